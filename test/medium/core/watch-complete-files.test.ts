/**
 * Only complete media files start jobs: a copy in progress, a download still named .part and
 * files that are not media never do. The real watcher (chokidar, the stability gate), SQLite and
 * the addon's probe on generated media. Nothing here waits on a timer: each step waits for
 * something the watcher reports (a look at a file, a decision, the end of a walk).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, writeSync } from 'node:fs';
import { copyFile, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StabilityCheck } from '../../../core/watch/stability-gate.js';
import { h264AacMp4, twoHourMkv } from '../../fixtures/media.js';
import { watchedRuntime } from './watch-harness.js';

test('a large file copied slowly in chunks gets its job only once the copy is complete, although the copy runs well past the stability window', async () => {
  const data = await readFile(await twoHourMkv()); // 58 MB; its header probes fine long before its end is there
  const windowMs = 1000;
  const w = await watchedRuntime({ stabilitySeconds: windowMs / 1000 });
  const dest = join(w.dir, 'Long Film (2001).mkv');
  const chunk = Math.ceil(data.length / 64);
  let written = 0;
  let fd: number | undefined = openSync(dest, 'w');
  const writeChunk = (n: number) => { written += writeSync(fd!, data, written, Math.min(n, data.length - written)); };
  try {
    writeChunk(chunk);
    // Each look of the gate at the file is answered with the next chunk, written before the next
    // look can happen: however slow the machine, every look sees the file grow. Until the gate
    // has watched it for three windows, then the rest at once.
    let copying!: StabilityCheck;
    await new Promise<void>((resolve, reject) => {
      const stop = (e?: Error) => {
        w.watcher.off('check', onCheck);
        w.watcher.off('decision', onDecision);
        if (e) reject(e); else resolve();
      };
      const onCheck = (c: StabilityCheck) => {
        if (c.path !== dest) return;
        try {
          assert.deepEqual(w.jobsOn(dest), [], `no job while the copy goes on (${written} of ${data.length} bytes)`);
          if (c.trackedForMs >= 3 * windowMs) { copying = c; stop(); return; }
          assert.ok(written + chunk < data.length, 'more looks than chunks: the gate looked more often than every 250 ms');
          writeChunk(chunk);
        } catch (e) {
          stop(e as Error);
        }
      };
      const onDecision = (d: { path: string; action: string }) => {
        if (d.path === dest) stop(new Error(`decided (${d.action}) while ${written} of ${data.length} bytes were written`));
      };
      w.watcher.on('check', onCheck);
      w.watcher.on('decision', onDecision);
    });
    assert.ok(copying.size < data.length && copying.stableForMs < windowMs, 'the last look saw a file still growing');
    assert.ok(w.checks.filter((c) => c.path === dest).length >= 4, 'the gate looked several times within the window');
    assert.deepEqual(w.decisions.filter((d) => d.path === dest), [], 'no decision about a file still being written');
    assert.deepEqual(w.jobsOn(dest), []);

    writeChunk(data.length - written);
    closeSync(fd);
    fd = undefined;
    const queued = await w.decision((d) => d.path === dest);
    assert.equal(queued.action, 'queue', JSON.stringify(queued));
    const [job, ...more] = w.jobsOn(dest);
    assert.ok(job && more.length === 0, 'one job');
    assert.deepEqual([job.origin, job.priority, job.targetLanguages], ['watch', 1, ['es']]);
    assert.equal(w.checks.filter((c) => c.path === dest).at(-1)!.size, data.length, 'the gate let the file through at its full size');
  } finally {
    if (fd !== undefined) closeSync(fd);
    await w.close();
  }
});

test('a download written as .part and renamed to its final name is picked up once; the .part is never looked at', async () => {
  const w = await watchedRuntime();
  try {
    const part = join(w.dir, 'Episode S01E01.mkv.part');
    const final = join(w.dir, 'Episode S01E01.mkv');
    await copyFile(await h264AacMp4(), part);
    await rename(part, final);
    assert.equal((await w.settled(final)).action, 'queue');
    // A whole walk of the folder afterwards (as at the next start, or the periodic rescan).
    await w.watcher.rescan();
    const about = w.decisions.filter((d) => d.path === final && d.reason !== 'changing');
    assert.equal(about.filter((d) => d.action === 'queue').length, 1, JSON.stringify(about));
    assert.ok(about.slice(1).every((d) => d.reason === 'pending' || d.reason === 'done'), JSON.stringify(about));
    assert.equal(w.jobsOn(final).length, 1);
    assert.deepEqual([...w.decisions, ...w.checks].filter((x) => x.path === part), [], 'the .part was ignored');
  } finally {
    await w.close();
  }
});

test('1,000 files that are not media create no job: other extensions are never looked at, a .mkv that is not media is refused once and remembered', async () => {
  const w = await watchedRuntime();
  try {
    const exts = ['nfo', 'jpg', 'srt', 'txt', 'png', 'xml', 'sub', 'idx'];
    const names = Array.from({ length: 995 }, (_, i) => `file ${i}.${exts[i % exts.length]!}`);
    const fakes = Array.from({ length: 5 }, (_, i) => `not media ${i}.mkv`);
    for (const n of names) await writeFile(join(w.dir, n), `not a video ${n}\n`);
    for (const n of fakes) await writeFile(join(w.dir, n), `text in a .mkv file ${n}\n`.repeat(50));
    for (const n of fakes) {
      const d = await w.settled(join(w.dir, n));
      assert.deepEqual([d.action, d.reason, d.errorCode], ['skip', 'failed', 'E_MEDIA_UNREADABLE']);
    }
    await w.watcher.rescan();
    assert.deepEqual(w.rt.store.listJobs({ limit: 10 }), []);
    const fakePaths = new Set(fakes.map((n) => join(w.dir, n)));
    assert.deepEqual([...w.decisions, ...w.checks].filter((x) => !fakePaths.has(x.path)), [], 'nothing else was ever looked at');
    // Every later look (the walk, a late change event) reads the record: the same permanent refusal.
    assert.ok(w.decisions.every((d) => d.action === 'skip' && (d.reason === 'failed' || d.reason === 'changing')), JSON.stringify(w.decisions));
    for (const p of fakePaths) assert.ok(w.decisions.filter((d) => d.path === p && d.reason === 'failed').length >= 2, `${p}: decided again by the walk`);
  } finally {
    await w.close();
  }
});
