/**
 * At most one running job per input file, whoever runs it: two runtimes on one database (two
 * servers, or a server and the CLI), jobs.concurrency > 1 in one of them, and the real
 * `dubarr dub` against a job a live process is running. Two jobs on one file would write the
 * same temporary and backup names beside it (in-place mode: one would delete the other's backup).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DubarrError } from '../../../plugins/sdk/errors.js';
import type { Job } from '../../../core/jobs/store.js';
import { poll, workspace } from './cli-harness.js';
import { testRuntime } from './harness.js';

const WAIT_MS = 120_000; // turns a hang into a failure; no bound on speed

test('two runtimes on one database: a job on a file another job is running on waits in the queue and runs after it; run-now on that file is refused and creates nothing', async () => {
  const holdDir = await mkdtemp(join(tmpdir(), 'dubarr-hold-'));
  const presets = {
    // Stops at its start until the test releases it: the job is certainly running meanwhile.
    held: { steps: [{ id: 'only', capability: 'slow', inputs: { source: 'source' }, params: { ms: 20, step: 'held', holdAt: 0, holdDir } }] },
    quick: { steps: [{ id: 'only', capability: 'noop', inputs: { source: 'source' } }] },
  };
  const a = await testRuntime(presets, { jobs: { concurrency: 2 } });
  let closeB = async () => {};
  try {
    const movie = a.input;
    const other = join(a.dir, 'other.bin');
    await writeFile(other, 'another file\n');
    const spec = (input: string, preset: string) => ({ input, preset, targetLanguages: [], origin: 'watch' as const });
    const job = (id: string) => a.rt.store.getJob(id);
    const ended = (id: string) => poll(() => { const j = job(id); return ['succeeded', 'failed', 'cancelled'].includes(j.status) ? j : undefined; }, WAIT_MS, `job ${id} to end`);

    const first = a.rt.scheduler.submit(spec(movie, 'held'));
    await poll(() => (existsSync(join(holdDir, 'held.holding')) ? true : undefined), WAIT_MS, 'the first job to be running');
    // A second runtime starts (in this same process: its crash recovery must not take a's job,
    // owned by this pid under another nonce, for an earlier life of the process).
    const b = await testRuntime(presets, { jobs: { concurrency: 2 } }, { sameDataAs: a });
    closeB = () => b.close();
    assert.deepEqual([job(first.id).status, job(first.id).owner], ['running', a.rt.scheduler.owner]);
    // Runtime a has a free slot (concurrency 2) and runtime b two: neither takes the job on the busy file...
    const second = a.rt.scheduler.submit(spec(movie, 'quick'));
    assert.equal(job(second.id).status, 'queued');
    // ...while b takes a later job on another file, passing over the earlier one.
    const third = b.rt.scheduler.submit(spec(other, 'quick'));
    assert.equal((await ended(third.id)).status, 'succeeded');
    assert.equal(job(second.id).status, 'queued', 'still waiting for the first job');

    // `dubarr dub` on that file from another process: refused, and no job row is left behind.
    const counts = a.rt.store.countByStatus();
    assert.throws(() => b.rt.scheduler.runNow({ ...spec(movie, 'quick'), origin: 'cli' }), (e: unknown) => {
      assert.ok(e instanceof DubarrError && e.code === 'E_JOB_STATE', String(e));
      assert.match(e.message, new RegExp(`Job ${first.id} is running on .*input\\.bin.*dubarr jobs cancel ${first.id}`));
      return true;
    });
    assert.deepEqual(a.rt.store.countByStatus(), counts);

    await writeFile(join(holdDir, 'held.release'), '');
    const done: Job = await ended(first.id);
    const after = await ended(second.id);
    assert.deepEqual([done.status, after.status], ['succeeded', 'succeeded']);
    assert.ok(after.startedAt! >= done.finishedAt!, 'the second job started once the first had finished');
  } finally {
    await closeB();
    await a.close();
    await rm(holdDir, { recursive: true, force: true });
  }
});

test('dubarr dub on a file a live process is running a job on: exits 1 with E_JOB_STATE naming that job, and leaves no job behind', async () => {
  const w = await workspace('one-per-file');
  const s = w.store();
  try {
    // A job running in this (live) process, as a server's would be; its heartbeat is fresh.
    const running = s.createJob({ input: w.input, preset: 'chain', targetLanguages: ['es'], origin: 'watch' });
    s.claim(running.id, `${hostname()}:${process.pid}:abcdef`);
    const r = await w.run('dub', w.input, '--preset', 'chain');
    assert.equal(r.code, 1, r.out);
    assert.match(r.err, new RegExp(`error E_JOB_STATE: Job ${running.id} is running on ${w.input.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(r.err, new RegExp(`dubarr jobs cancel ${running.id}`));
    assert.deepEqual(s.listJobs().map((j) => [j.id, j.status]), [[running.id, 'running']]);
    assert.deepEqual(await w.runs(), [], 'no stage ran');

    // Once that job has ended, the same command runs.
    s.finishJob(running.id, 'succeeded');
    const ok = await w.run('dub', w.input, '--preset', 'chain');
    assert.equal(ok.code, 0, ok.err);
  } finally {
    s.db.close();
    await rm(w.dir, { recursive: true, force: true });
  }
});
