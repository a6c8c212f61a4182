/**
 * The per-file record across restarts and failures: a file is processed once and again only
 * when its bytes change; a permanent error waits for a change; other failures are retried with
 * backoff up to watch.retry.maxAttempts. Real runtime, watcher, SQLite, addon; the real dub
 * pipeline where a real E_NO_SPEECH is needed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { LibraryFiles } from '../../../core/jobs/library-files.js';
import type { PresetInput } from '../../../core/pipeline/plan.js';
import { commercialDubMkv, h264AacMp4, lateAudioMp4 } from '../../fixtures/media.js';
import { finished } from './harness.js';
import { ended, restarted, startWatching, watchedRuntime } from './watch-harness.js';

const HOUR = 3_600_000;
/** Puts a file's mtime in the past, as a file copied in long ago: a walk decides about it at once. */
const age = (path: string, ms = HOUR) => utimes(path, new Date(Date.now() - ms), new Date(Date.now() - ms));

test('after a restart nothing done is queued again (a touched file included); a file whose bytes changed is', async () => {
  const w = await watchedRuntime();
  const again: { rt?: Awaited<ReturnType<typeof restarted>> } = {};
  try {
    const a = join(w.dir, 'A.mp4');
    const b = join(w.dir, 'B.mkv');
    await copyFile(await h264AacMp4(), a);
    await copyFile(await commercialDubMkv(), b);
    for (const p of [a, b]) {
      const d = await w.settled(p);
      assert.equal(d.action, 'queue');
      assert.equal((await finished(w.t, d.jobId!)).status, 'succeeded');
    }
    await w.watcher.close();

    again.rt = await restarted(w.t);
    const next = await startWatching(again.rt);
    try {
      assert.deepEqual(next.decisions.map((d) => [d.path, d.reason]).sort(), [[a, 'done'], [b, 'done']], 'the start-up walk skipped both');
      assert.equal(again.rt.store.listJobs({ limit: 10 }).length, 2);
      // A is touched (same bytes, another mtime); B is replaced by another release.
      await age(a, 2 * HOUR);
      await copyFile(await lateAudioMp4(), b);
      await age(b);
      await next.watcher.rescan();
      // Decided by the walk, or by the watcher's events for the same changes: the same decisions.
      const later = next.decisions.slice(2).filter((d) => d.reason !== 'changing');
      const aboutA = later.filter((d) => d.path === a);
      assert.ok(aboutA.length > 0 && aboutA.every((d) => d.reason === 'done'), `same content, new mtime: still done (${JSON.stringify(aboutA)})`);
      const requeued = later.filter((d) => d.path === b && d.action === 'queue');
      assert.equal(requeued.length, 1, JSON.stringify(later));
      assert.equal(requeued[0]!.attempt, 1, 'new content: its first attempt');
      assert.deepEqual(again.rt.store.listJobs({ limit: 10 }).map((j) => j.input).sort(), [a, b, b]);
      assert.equal(new LibraryFiles(again.rt.store.db).get(a)?.mtimeMs, (await import('node:fs')).statSync(a).mtimeMs, 'the record took the new mtime');
    } finally {
      await next.watcher.close();
    }
  } finally {
    await again.rt?.close();
    await w.close();
  }
});

test('a file whose dub fails with E_NO_SPEECH is not tried again (not by the retry timer, a walk, nor a restart) until its bytes change', async () => {
  // The real dub preset on a 1 kHz tone: no speech. A retryable failure would be retried at once (baseMinutes 0).
  const w = await watchedRuntime({ preset: 'dub' }, { watch: { retry: { baseMinutes: 0 } } });
  const again: { rt?: Awaited<ReturnType<typeof restarted>> } = {};
  try {
    const tone = join(w.dir, 'Tone.mp4');
    await copyFile(await h264AacMp4(), tone);
    const first = await w.settled(tone);
    const failed = await finished(w.t, first.jobId!);
    assert.equal(failed.error?.code, 'E_NO_SPEECH');
    // The watcher looks at the file again when its job ends: the record says why not (a
    // retryable failure would be queued again right here).
    const after = await w.decision((d) => d.path === tone && d !== first && (d.action === 'queue' || d.reason === 'failed'));
    assert.deepEqual([after.action, after.reason, after.errorCode], ['skip', 'failed', 'E_NO_SPEECH']);
    await w.watcher.rescan();
    await w.watcher.close();
    again.rt = await restarted(w.t);
    const next = await startWatching(again.rt);
    try {
      assert.deepEqual(next.decisions.map((d) => [d.reason, d.errorCode]), [['failed', 'E_NO_SPEECH']]);
      assert.equal(again.rt.store.listJobs({ limit: 10 }).length, 1, 'one job, ever, for these bytes');
      // Another file at that path: tried.
      await copyFile(await lateAudioMp4(), tone);
      await age(tone);
      await next.watcher.rescan();
      const retried = next.decisions.find((d) => d.action === 'queue');
      assert.ok(retried?.jobId, JSON.stringify(next.decisions));
      assert.equal((await ended(again.rt, retried.jobId)).error?.code, 'E_NO_SPEECH', 'this one has no speech either');
    } finally {
      await next.watcher.close();
    }
  } finally {
    await again.rt?.close();
    await w.close();
  }
});

test('a failure that is not permanent is retried with backoff up to watch.retry.maxAttempts, then given up on, also across a restart', async () => {
  // A provider that always fails with a retryable error; each job fails after its stage's own retries.
  const broken: PresetInput = { steps: [{ id: 'x', capability: 'broken', inputs: { source: 'source' }, params: { failures: 1000, key: 'always' } }] };
  const w = await watchedRuntime({ preset: 'broken' }, { presets: { broken }, watch: { retry: { maxAttempts: 3, baseMinutes: 0 } } });
  const again: { rt?: Awaited<ReturnType<typeof restarted>> } = {};
  try {
    const film = join(w.dir, 'Film.mp4');
    await copyFile(await h264AacMp4(), film);
    const gaveUp = await w.decision((d) => d.path === film && (d.reason === 'gave-up' || (d.action === 'queue' && d.attempt! > 3)));
    assert.deepEqual([gaveUp.reason, gaveUp.errorCode], ['gave-up', 'E_TRANSIENT']);
    const queued = w.decisions.filter((d) => d.path === film && d.action === 'queue');
    assert.deepEqual(queued.map((d) => d.attempt), [1, 2, 3]);
    const jobs = w.jobsOn(film);
    assert.deepEqual(jobs.map((j) => [j.status, j.error?.code]), Array(3).fill(['failed', 'E_TRANSIENT']));
    // Each retry was queued after the failure before it.
    for (let i = 1; i < jobs.length; i++) assert.ok(jobs[i]!.createdAt >= jobs[i - 1]!.finishedAt!);
    await w.watcher.close();
    again.rt = await restarted(w.t, { broken });
    const next = await startWatching(again.rt);
    try {
      assert.deepEqual(next.decisions.map((d) => d.reason), ['gave-up']);
      assert.equal(again.rt.store.listJobs({ limit: 10 }).length, 3);
    } finally {
      await next.watcher.close();
    }
  } finally {
    await again.rt?.close();
    await w.close();
  }
});
