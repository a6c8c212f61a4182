/**
 * A watched file dubbed in place whose container has to change (MPEG-TS comes out as MKV:
 * Movie.ts -> Movie.mkv) is not dubbed a second time: the watcher sees Movie.mkv appear as a new
 * file, and knows it as what the job delivered. A different file put at that path later is
 * dubbed. The real runtime, watcher, SQLite, addon and the ffmpeg plugin's extract and mux on a
 * generated MPEG-TS file; the dub track is a generated AAC file handed over by a test stage.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import type { PresetInput } from '../../../core/pipeline/plan.js';
import type { FileDecision } from '../../../core/library/file-decision.js';
import { watchFolders, type FolderWatcher } from '../../../core/watch/folder-watcher.js';
import { probeSync } from '../../../native/lib/index.js';
import { h264AacMp4, mpegTs, toneM4a } from '../../fixtures/media.js';
import { poll } from './cli-harness.js';
import { finished, testRuntime, waitFor } from './harness.js';

test('an in-place job on a watched .ts delivers Movie.mkv, which is not queued again (also while the job is still running, and at the next start); a different file at that path later is', async () => {
  const track = await toneM4a(440, 4);
  const source = await mpegTs();
  const log = pino({ level: process.env.DEBUG_WATCH ? 'debug' : 'silent' });
  const holdDir = await mkdtemp(join(tmpdir(), 'dubarr-hold-'));
  // The job is held after its mux (the swap is done, Movie.mkv exists) until the test releases it.
  const inplace: PresetInput = {
    steps: [
      { id: 'extract', capability: 'extract', inputs: { source: 'source' } },
      { id: 'mix', capability: 'given-track', perTarget: true, inputs: { source: 'source' }, params: { file: track } },
      { id: 'mux', capability: 'mux', cache: false, jobParams: ['mode'], inputs: { source: 'source', extract: 'extract', mix: 'mix' } },
      { id: 'hold', capability: 'slow', cache: false, inputs: { mux: 'mux' }, params: { ms: 0, step: 'hold', holdDir, holdAt: 0 } },
    ],
  };
  const t = await testRuntime({ inplace }, {
    watch: { enabled: true, folders: [{ path: 'watch', preset: 'inplace', mode: 'inplace', targetLanguages: ['es'], stabilitySeconds: 0.05 }] },
  }, { log });
  const ts = join(t.dir, 'watch', 'Movie.ts');
  const mkv = join(t.dir, 'watch', 'Movie.mkv');
  const decisions: FileDecision[] = [];
  const decision = (path: string, after = 0) => poll(() => decisions.slice(after).find((d) => d.path === path && d.reason !== 'busy' && d.reason !== 'changing'), 60_000, `the watcher's decision about ${path}`);
  const watching = (w: FolderWatcher) => { w.on('decision', (d) => decisions.push(d)); return w; };
  const jobsOn = (path: string) => t.rt.store.listJobs({ limit: 100 }).filter((j) => j.input === path);
  try {
    let watcher = watching(watchFolders(t.rt)!);
    await watcher.ready;
    await copyFile(source, ts);
    const queued = await waitFor(t, (e) => e.type === 'job.queued');
    // Held after the swap: Movie.mkv is there and the job has not succeeded yet.
    await poll(() => existsSync(join(holdDir, 'hold.holding')) || undefined, 120_000, 'the job to reach its hold');
    assert.ok(existsSync(mkv) && !existsSync(ts), 'the container changed: Movie.ts became Movie.mkv');
    const waiting = await poll(() => decisions.find((d) => d.path === mkv && d.reason === 'busy'), 60_000, 'the watcher to see Movie.mkv');
    assert.equal(waiting.waitingFor, queued.jobId, 'it waits for the job on Movie.ts');
    assert.deepEqual(jobsOn(mkv), []);

    await writeFile(join(holdDir, 'hold.release'), '');
    assert.equal((await finished(t, queued.jobId)).status, 'succeeded');
    assert.equal((await decision(mkv)).reason, 'delivered');
    assert.deepEqual(probeSync(mkv).streams.filter((s) => s.type === 'audio').map((s) => s.dispositions.dub), [false, true], 'the dub is in Movie.mkv');

    // The next start: every file of the folder comes by again.
    await watcher.close();
    let seen = decisions.length;
    watcher = watching(watchFolders(t.rt)!);
    assert.equal((await decision(mkv, seen)).reason, 'done', 'the record of Movie.mkv: the job on Movie.ts made it');
    assert.deepEqual(jobsOn(mkv), [], 'Movie.mkv was never queued');

    // The user replaces it with another release (another size and mtime), seen at the next start.
    await watcher.close();
    await copyFile(await h264AacMp4(), mkv);
    seen = decisions.length;
    watcher = watching(watchFolders(t.rt)!);
    try {
      assert.equal((await decision(mkv, seen)).action, 'queue');
      const [again, ...more] = jobsOn(mkv);
      assert.ok(again && more.length === 0);
      // Its dub is not what this test is about.
      try { t.rt.scheduler.cancel(again.id); } catch { /* it ended already */ }
      await finished(t, again.id);
    } finally {
      await watcher.close();
    }
  } finally {
    await t.close();
    await rm(holdDir, { recursive: true, force: true });
  }
});
