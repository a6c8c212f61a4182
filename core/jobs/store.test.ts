/**
 * One running job per input file, kept by the claims themselves: a real database file, and a
 * second connection to it standing in for another process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './database.js';
import { CLAIM_BY_ID_SQL, CLAIM_NEXT_SQL, JobStore, LIST_JOBS_SQL, PRIORITY, RUNNING_ON_INPUT_SQL, STAGE_RUN_SUMMARIES_SQL } from './store.js';

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-store-'));
  const path = join(dir, 'dubarr.db');
  const [a, b] = [new JobStore(openDatabase(path)), new JobStore(openDatabase(path))];
  const job = (input: string, priority: number = PRIORITY.watch) => a.createJob({ input, preset: 'p', targetLanguages: ['es'], origin: 'watch', priority }).id;
  return { a, b, job, close: async () => { a.db.close(); b.db.close(); await rm(dir, { recursive: true, force: true }); } };
}

test('claimNext passes over a queued job whose file has a running job (in this process or another) and takes it once that job ends', async () => {
  const t = await setup();
  try {
    const first = t.job('/media/movie.mkv');
    const second = t.job('/media/movie.mkv');
    const other = t.job('/media/other.mkv', PRIORITY.backfill);
    assert.equal(t.a.claimNext('server-a')?.id, first);
    // Another process's scheduler, with a free slot: the next job in the queue is on the busy
    // file, so it takes the one after it, although that one is less urgent.
    assert.equal(t.b.claimNext('server-b')?.id, other);
    assert.equal(t.b.claimNext('server-b'), undefined, 'the only queued job left is on a busy file');
    assert.equal(t.a.getJob(second).status, 'queued');
    t.a.finishJob(first, 'succeeded');
    assert.equal(t.b.claimNext('server-b')?.id, second, 'the file is free again');
  } finally {
    await t.close();
  }
});

test('claim (the CLI\'s run-now) refuses a job whose file has a running job and names that job; the job stays as it was', async () => {
  const t = await setup();
  try {
    const running = t.job('/media/movie.mkv');
    assert.equal(t.a.claim(running, 'server')?.status, 'running');
    const now = t.job('/media/movie.mkv', PRIORITY.interactive);
    assert.equal(t.b.claim(now, 'cli'), undefined);
    assert.equal(t.b.runningJobOn('/media/movie.mkv')?.id, running);
    assert.equal(t.b.runningJobOn('/media/other.mkv'), undefined);
    assert.deepEqual([t.a.getJob(now).status, t.a.getJob(now).attempts], ['queued', 0]);
    t.a.finishJob(running, 'failed', { error: { code: 'E_TRANSIENT', message: 'x' } });
    assert.equal(t.b.claim(now, 'cli')?.status, 'running');
  } finally {
    await t.close();
  }
});

test('the claims read the queue and each candidate\'s file by index, never a whole table or a temporary sort', async () => {
  const t = await setup();
  try {
    const plan = (sql: string, ...args: unknown[]) => (t.a.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail);
    const next = plan(CLAIM_NEXT_SQL, { owner: 'o', now: 0 });
    assert.ok(next.some((d) => /SEARCH q USING INDEX jobs_queue \(status=\?\)/.test(d)), next.join('\n'));
    assert.ok(next.some((d) => /SEARCH busy USING INDEX jobs_input \(input=\?\)/.test(d)), next.join('\n'));
    const byId = plan(CLAIM_BY_ID_SQL, { owner: 'o', now: 0, id: 'x' });
    assert.ok(byId.some((d) => /SEARCH busy USING INDEX jobs_input \(input=\?\)/.test(d)), byId.join('\n'));
    const all = [...next, ...byId, ...plan(RUNNING_ON_INPUT_SQL, '/media/movie.mkv')];
    assert.deepEqual(all.filter((d) => /^SCAN |TEMP B-TREE|AUTOMATIC|BLOOM/.test(d)), [], all.join('\n'));
  } finally {
    await t.close();
  }
});

test('a page of the jobs list reads the rows in index order, never sorting the table', async () => {
  const t = await setup();
  try {
    const plan = (t.a.db.prepare(`EXPLAIN QUERY PLAN ${LIST_JOBS_SQL}`).all({ status: null, search: null, afterCreatedAt: 5, afterId: 'ab', limit: 51 }) as { detail: string }[])
      .map((r) => r.detail);
    assert.ok(plan.some((d) => /\bjobs_created\b/.test(d)), plan.join('\n'));
    assert.deepEqual(plan.filter((d) => /TEMP B-TREE/.test(d)), [], plan.join('\n'));
  } finally {
    await t.close();
  }
});

test('the stage runs of a page of jobs come in one statement, by index, each job\'s in run order, as stageRuns has them less artifacts and cache keys', async () => {
  const t = await setup();
  try {
    const [x, y, none] = [t.job('/media/x.mkv'), t.job('/media/y.mkv'), t.job('/media/z.mkv')];
    // Interleaved across the jobs, with a retried step, an error and artifacts.
    const run = (jobId: string, step: string, status: 'succeeded' | 'failed' | 'cached', o: { error?: { code: string; message: string }; attempt?: number } = {}) =>
      t.a.finishStageRun(t.a.startStageRun({ jobId, step, provider: 'p', cacheKey: `k-${step}`, attempt: o.attempt }), status, { error: o.error, artifacts: { files: { out: `/w/${step}` } } });
    run(x, 'extract', 'succeeded');
    run(y, 'extract', 'cached');
    run(x, 'text', 'failed', { error: { code: 'E_TRANSIENT', message: 'try again' } });
    run(y, 'text', 'succeeded');
    run(x, 'text', 'succeeded', { attempt: 2 });
    const got = t.a.stageRunSummaries([y, none, x]);
    assert.deepEqual([...got.keys()].sort(), [x, y, none].sort());
    assert.deepEqual(got.get(none), []);
    for (const id of [x, y]) {
      const full = t.a.stageRuns(id).map(({ step, provider, status, attempt, durationMs, error }) => ({ step, provider, status, attempt, durationMs, error }));
      assert.deepEqual(got.get(id), full);
    }
    assert.deepEqual(got.get(x)!.map((r) => `${r.step}/${r.status}/${r.attempt}`), ['extract/succeeded/1', 'text/failed/1', 'text/succeeded/2']);
    const plan = (t.a.db.prepare(`EXPLAIN QUERY PLAN ${STAGE_RUN_SUMMARIES_SQL}`).all('["a","b"]') as { detail: string }[]).map((r) => r.detail);
    assert.ok(plan.some((d) => /SEARCH stage_runs USING INDEX stage_runs_job \(job_id=\?\)/.test(d)), plan.join('\n'));
    assert.deepEqual(plan.filter((d) => /^SCAN stage_runs|AUTOMATIC|TEMP B-TREE/.test(d)), [], plan.join('\n'));
  } finally {
    await t.close();
  }
});
