/**
 * The data dir stays bounded without anyone running a command: after jobs the stage cache is
 * pruned to cache.maxSizeGb (never what a queued or running job needs) and finished jobs past
 * jobs.retentionDays go with their stage runs, events and kept work folders. Real runtime, real
 * SQLite, real cache folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { createRuntime } from '../../../core/app/runtime.js';
import type { PresetInput } from '../../../core/pipeline/plan.js';
import { finished, testRuntime, waitFor } from './harness.js';

const ENTRY_BYTES = 2000;
const two: PresetInput = {
  steps: [
    { id: 'a', capability: 'slow', inputs: { source: 'source' }, params: { ms: 10, step: 'a', bytes: ENTRY_BYTES } },
    { id: 'b', capability: 'slow', inputs: { a: 'a' }, params: { ms: 10, step: 'b', bytes: ENTRY_BYTES } },
  ],
};
const blocking: PresetInput = { steps: [{ id: 'wait', capability: 'native-like', inputs: { source: 'source' }, params: { ms: 120_000 } }] };

test('after jobs the cache is pruned to cache.maxSizeGb, least recently used first, keeping what a queued job needs', async () => {
  // Entries are ~2.3 KB (file + manifest): room for the queued job's two and one more.
  const limit = 8000;
  const t = await testRuntime({ two, blocking }, { jobs: { concurrency: 1 }, cache: { maxSizeGb: limit / 1e9 } });
  try {
    const input = async (name: string) => { const p = join(t.dir, name); await writeFile(p, `${name}\n`); return p; };
    const movie = await input('movie.bin');
    const spec = (path: string, preset = 'two') => ({ input: path, preset, targetLanguages: [], origin: 'cli' as const });
    const keysOf = (jobId: string) => t.rt.store.stageRuns(jobId).map((r) => r.cacheKey!);

    const first = t.rt.scheduler.submit(spec(movie));
    assert.equal((await finished(t, first.id)).status, 'succeeded');
    // The only job slot is taken by a job that waits; a second job on the same movie queues behind it.
    const holder = t.rt.scheduler.submit(spec(await input('holder.bin'), 'blocking'));
    await waitFor(t, (e) => e.jobId === holder.id && e.type === 'stage.started');
    const queued = t.rt.scheduler.submit(spec(movie));
    assert.equal(t.rt.store.getJob(queued.id).status, 'queued');
    // Meanwhile other jobs run here (as `dubarr dub` does) and fill the cache past its limit.
    const others = [];
    for (const name of ['x.bin', 'y.bin', 'z.bin']) {
      const { job, done } = t.rt.scheduler.runNow(spec(await input(name)));
      assert.equal((await done).status, 'succeeded');
      others.push(job);
    }
    await t.rt.housekeeping.idle();

    const onDisk = await t.rt.cache.entries();
    const size = onDisk.reduce((n, e) => n + e.sizeBytes, 0);
    assert.ok(size <= limit, `cache holds ${size} bytes, over the ${limit} limit`);
    assert.equal(t.rt.cacheIndex.totalBytes(), size, 'the index agrees with the folder');
    const kept = new Set(onDisk.map((e) => e.key));
    assert.ok(keysOf(first.id).every((k) => kept.has(k)), 'the queued job\'s entries (oldest of all) survived');
    assert.ok(keysOf(others[0]!.id).every((k) => !kept.has(k)), 'the least recently used unneeded entries went');
    assert.ok(keysOf(others[2]!.id).some((k) => kept.has(k)), 'the newest stayed while there was room');

    t.rt.scheduler.cancel(holder.id);
    assert.equal((await finished(t, queued.id)).status, 'succeeded');
    assert.deepEqual(t.rt.store.stageRuns(queued.id).map((r) => r.status), ['cached', 'cached'], 'and the queued job used them');
  } finally {
    await t.close();
  }
});

test('finished jobs past jobs.retentionDays go with their stage runs, events and kept work folder; recent and unfinished ones stay', async () => {
  const quick: PresetInput = { steps: [{ id: 'only', capability: 'noop', inputs: { source: 'source' } }] };
  const t = await testRuntime({ quick, blocking }, { jobs: { retentionDays: 30, concurrency: 2 } });
  try {
    const run = async () => {
      const job = t.rt.scheduler.submit({ input: t.input, preset: 'quick', targetLanguages: [], origin: 'cli' });
      assert.equal((await finished(t, job.id)).status, 'succeeded');
      return job.id;
    };
    const [old, recent] = [await run(), await run()];
    const waiting = t.rt.scheduler.submit({ input: t.input, preset: 'blocking', targetLanguages: [], origin: 'cli' });
    await waitFor(t, (e) => e.jobId === waiting.id && e.type === 'stage.started');
    await t.rt.housekeeping.idle(); // the passes those jobs asked for are done before we age them
    const day = 86_400_000;
    const age = (id: string, days: number) => t.rt.store.db.prepare('UPDATE jobs SET created_at = ?, finished_at = ? WHERE id = ?').run(Date.now() - days * day, Date.now() - days * day, id);
    age(old, 31);
    age(recent, 29);
    t.rt.store.db.prepare('UPDATE jobs SET created_at = ? WHERE id = ?').run(Date.now() - 400 * day, waiting.id);
    const workDir = join(t.rt.config.cache.dir, '.work', old);
    await mkdir(workDir, { recursive: true });
    await writeFile(join(workDir, 'kept-for-debugging.txt'), 'x');
    const count = (table: string, id: string) => (t.rt.store.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE job_id = ?`).get(id) as { n: number }).n;
    assert.ok(count('events', old) > 0 && count('stage_runs', old) > 0);

    await run(); // a job ending is what triggers it
    await t.rt.housekeeping.idle();
    assert.throws(() => t.rt.store.getJob(old), /No job/);
    assert.deepEqual([count('events', old), count('stage_runs', old)], [0, 0]);
    assert.ok(!existsSync(workDir), 'its kept work folder went too');
    assert.equal(t.rt.store.getJob(recent).status, 'succeeded');
    assert.ok(count('events', recent) > 0);
    assert.equal(t.rt.store.getJob(waiting.id).status, 'running', 'an old job that has not finished stays');
    assert.ok(existsSync(t.input), 'the input file is the user\'s');
    t.rt.scheduler.cancel(waiting.id);
    await finished(t, waiting.id);
  } finally {
    await t.close();
  }
});

test('a server applies retention when it starts, before any job runs', async () => {
  const quick: PresetInput = { steps: [{ id: 'only', capability: 'noop', inputs: { source: 'source' } }] };
  const t = await testRuntime({ quick }, { jobs: { retentionDays: 30 } });
  const job = t.rt.scheduler.submit({ input: t.input, preset: 'quick', targetLanguages: [], origin: 'cli' });
  assert.equal((await finished(t, job.id)).status, 'succeeded');
  await t.rt.housekeeping.idle();
  t.rt.store.db.prepare('UPDATE jobs SET finished_at = ? WHERE id = ?').run(Date.now() - 31 * 86_400_000, job.id);
  await t.rt.close();
  const again = await createRuntime(t.rt.config, { takeQueued: true, log: pino({ level: 'silent' }) });
  try {
    await again.housekeeping.idle();
    assert.throws(() => again.store.getJob(job.id), /No job/);
  } finally {
    await again.close();
    await t.close();
  }
});
