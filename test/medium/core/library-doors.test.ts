/**
 * Several doors, one file, one job: a job another door queued is the file's job for the
 * watcher too, and a door that knows a file is complete (a webhook after an import) has it
 * decided at once through the same library service. Real runtime, SQLite, addon.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIORITY } from '../../../core/jobs/store.js';
import { h264AacMp4 } from '../../fixtures/media.js';
import { testRuntime } from './harness.js';
import { quick, startWatching } from './watch-harness.js';

test('a webhook\'s file is decided at once (origin webhook, watch priority); the watcher and an API job on the same file queue nothing more', async () => {
  const t = await testRuntime({ quick }, {
    watch: { enabled: true, rescanMinutes: 0, folders: [{ path: 'watch', preset: 'quick', targetLanguages: ['es'], stabilitySeconds: 60 }] },
  }, { takeQueued: false });
  try {
    const dir = join(t.dir, 'watch');
    await mkdir(dir);
    const imported = join(dir, 'Episode.mp4');
    const byApi = join(dir, 'Film.mp4');
    await copyFile(await h264AacMp4(), imported);
    await copyFile(await h264AacMp4(), byApi);
    // Just written (inside the 60 s window), but the webhook says the import is done.
    const st = await stat(imported);
    const d = await t.rt.library.consider(imported, { origin: 'webhook', settings: t.rt.library.settingsFor(imported), settled: { size: st.size, mtimeMs: st.mtimeMs } });
    assert.equal(d?.action, 'queue');
    const job = t.rt.store.getJob(d.jobId!);
    assert.deepEqual([job.origin, job.priority, job.targetLanguages], ['webhook', PRIORITY.watch, ['es']]);
    // Another door's job on the other file, straight through the jobs service.
    const api = await t.rt.jobs.create({ path: byApi, origin: 'api', preset: 'quick', targetLanguages: ['es'] });

    const w = await startWatching(t.rt);
    try {
      // The files were written seconds ago: the walk hands them to the stability gate (60 s), so ask now.
      const again = await t.rt.library.consider(imported, { origin: 'watch', settings: t.rt.library.settingsFor(imported), settled: { size: st.size, mtimeMs: st.mtimeMs } });
      assert.deepEqual([again?.reason, again?.jobId], ['pending', d.jobId]);
      const fst = await stat(byApi);
      const adopted = await t.rt.library.consider(byApi, { origin: 'watch', settings: t.rt.library.settingsFor(byApi), settled: { size: fst.size, mtimeMs: fst.mtimeMs } });
      assert.deepEqual([adopted?.reason, adopted?.jobId], ['pending', api.id], 'the API job is this file\'s job');
      assert.equal(t.rt.store.listJobs().length, 2);
      assert.ok(w.decisions.every((x) => x.action === 'skip'), JSON.stringify(w.decisions));
    } finally {
      await w.watcher.close();
    }
  } finally {
    await t.close();
  }
});
