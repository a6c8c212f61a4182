/**
 * Network shares send no file events: poll: true finds new files by polling, and the periodic
 * rescan (watch.rescanMinutes) finds what no event or poll reported. Real watcher and chokidar.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { h264AacMp4 } from '../../fixtures/media.js';
import { watchedRuntime } from './watch-harness.js';

test('a folder with poll: true (NFS, SMB) gets its new files by polling', async () => {
  const w = await watchedRuntime({ poll: true }, { watch: { pollIntervalSeconds: 0.1 } });
  try {
    const film = join(w.dir, 'Film.mp4');
    const reported: string[] = [];
    w.watcher.on('reported', (p) => reported.push(p));
    await copyFile(await h264AacMp4(), film);
    // No rescan is configured and the first walk was over before the file came: chokidar's polling reported it.
    assert.equal((await w.settled(film)).action, 'queue');
    assert.ok(reported.includes(film) && w.checks.some((c) => c.path === film), 'reported, then through the stability gate');
  } finally {
    await w.close();
  }
});

test('the periodic rescan queues a file that no event reported (a share polled only hourly)', async () => {
  const w = await watchedRuntime({ poll: true }, { watch: { pollIntervalSeconds: 3600, rescanMinutes: 0.005 } });
  try {
    const film = join(w.dir, 'Film.mp4');
    const reported: string[] = [];
    w.watcher.on('reported', (p) => reported.push(p));
    await copyFile(await h264AacMp4(), film);
    // Walks come every 0.3 s; a walk finds the file (first as still changing, then as complete).
    const queued = await w.settled(film);
    assert.equal(queued.action, 'queue');
    await once(w.watcher, 'scanned');
    assert.equal(w.jobsOn(film).length, 1, 'later walks queue it no more');
    assert.deepEqual(reported, [], 'no event reported it: polling, not fs events, watches this folder');
  } finally {
    await w.close();
  }
});
