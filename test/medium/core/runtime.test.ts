import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PRIORITY } from '../../../core/jobs/store.js';
import type { PresetInput } from '../../../core/pipeline/plan.js';
import { finished, testRuntime, waitFor } from './harness.js';

const one = (capability: string, params: Record<string, unknown> = {}) => ({ steps: [{ id: 'only', capability, inputs: { source: 'source' }, params }] });

test('a retryable error twice, then success: the stage is retried with backoff', async () => {
  const t = await testRuntime({ flaky: one('flaky', { failures: 2, key: 'twice' }) });
  try {
    const job = t.rt.scheduler.submit({ input: t.input, preset: 'flaky', targetLanguages: [], origin: 'cli' });
    const done = await finished(t, job.id);
    assert.equal(done.status, 'succeeded');
    const runs = t.rt.store.stageRuns(job.id);
    assert.deepEqual(runs.map((r) => [r.status, r.attempt, r.error?.code]), [
      ['failed', 1, 'E_TRANSIENT'], ['failed', 2, 'E_TRANSIENT'], ['succeeded', 3, undefined],
    ]);
    assert.equal(t.events.filter((e) => e.jobId === job.id && e.type === 'stage.retrying').length, 2);
  } finally {
    await t.close();
  }
});

test('a non-retryable error fails the job at once with its code', async () => {
  const t = await testRuntime({ bad: one('flaky', { failures: 5, key: 'bad', code: 'E_MEDIA_UNREADABLE' }) });
  try {
    const job = t.rt.scheduler.submit({ input: t.input, preset: 'bad', targetLanguages: [], origin: 'cli' });
    const done = await finished(t, job.id);
    assert.equal(done.status, 'failed');
    assert.equal(done.error?.code, 'E_MEDIA_UNREADABLE');
    assert.equal(t.rt.store.stageRuns(job.id).length, 1);
    assert.equal((await t.runs()).length, 1);
  } finally {
    await t.close();
  }
});

test('a stage over its timeout fails with E_STAGE_TIMEOUT; an unknown capability with E_NO_PROVIDER', async () => {
  // The stage never finishes on its own: only the timeout can end it, whatever the machine's speed.
  const t = await testRuntime(
    { sleepy: one('slow', { untilCancelled: true }), nothing: one('teleport') },
    { stages: { timeoutMs: { default: 3_600_000, slow: 300 }, retries: { default: 0 } } },
  );
  try {
    const a = t.rt.scheduler.submit({ input: t.input, preset: 'sleepy', targetLanguages: [], origin: 'cli' });
    const b = t.rt.scheduler.submit({ input: t.input, preset: 'nothing', targetLanguages: [], origin: 'cli' });
    assert.equal((await finished(t, a.id)).error?.code, 'E_STAGE_TIMEOUT');
    const nb = await finished(t, b.id);
    assert.equal(nb.error?.code, 'E_NO_PROVIDER');
    assert.match(nb.error!.message, /teleport/);
  } finally {
    await t.close();
  }
});

// Stages that never finish on their own, cancelled once they report they are running (how fast
// a cancel lands is measured by `npm run bench -- cancel`).
for (const [name, capability, params] of [
  ['an async worker stage', 'slow', { untilCancelled: true }],
  ['a thread blocked like native code (shared flag)', 'native-like', {}],
  ['a stage that ignores cancellation (thread terminated)', 'native-like', { ignoreCancel: true }],
] as const) {
  test(`cancel during ${name}: cancelled, work dir removed, the pool serves the next job`, async () => {
    const t = await testRuntime({ long: one(capability, params), quick: one('slow', { ms: 50 }) }, { workers: { threads: 1, cancelGraceMs: 500 } });
    try {
      const job = t.rt.scheduler.submit({ input: t.input, preset: 'long', targetLanguages: [], origin: 'cli' });
      await waitFor(t, (e) => e.jobId === job.id && e.type === 'job.progress' && e.data?.note === 'started');
      const workDir = join(t.rt.config.cache.dir, '.work', job.id);
      assert.ok(existsSync(workDir), 'the running stage has a work dir');
      t.rt.scheduler.cancel(job.id);
      const done = await finished(t, job.id);
      assert.equal(done.status, 'cancelled');
      assert.ok(!existsSync(workDir), 'work dir removed');
      assert.equal(t.rt.store.stageRuns(job.id).at(-1)?.status, 'cancelled');
      const next = t.rt.scheduler.submit({ input: t.input, preset: 'quick', targetLanguages: [], origin: 'cli' });
      assert.equal((await finished(t, next.id)).status, 'succeeded');
    } finally {
      await t.close();
    }
  });
}

test('20 jobs at once: limits hold, priorities are honoured, all complete, a rerun is all cache hits', async () => {
  const chain: PresetInput = {
    steps: [
      { id: 'prep', capability: 'slow', inputs: { source: 'source' }, params: { ms: 60, step: 'prep' } },
      { id: 'model', capability: 'heavy', inputs: { prep: 'prep' }, params: { ms: 60, step: 'model' } },
      { id: 'post', capability: 'slow-main', inputs: { model: 'model' }, params: { ms: 30, step: 'post' } },
    ],
  };
  const t = await testRuntime({ chain }, { jobs: { concurrency: 3 }, workers: { threads: 2 }, stages: { concurrency: { heavy: 1 } } });
  try {
    let active = 0;
    let maxActive = 0;
    t.rt.bus.on('event', (e) => {
      if (e.type === 'job.started') maxActive = Math.max(maxActive, ++active);
      if (e.type === 'job.succeeded' || e.type === 'job.failed') active--;
    });
    const { writeFileSync } = await import('node:fs');
    const prios = [PRIORITY.backfill, PRIORITY.watch, PRIORITY.interactive];
    const jobs = Array.from({ length: 20 }, (_, i) => {
      // Distinct inputs, so no job reuses another's cached stages.
      const input = join(t.dir, `in-${i}.bin`);
      writeFileSync(input, `input ${i}\n`);
      return t.rt.scheduler.submit({ input, preset: 'chain', targetLanguages: [], origin: 'backfill', priority: prios[i % 3] });
    });
    const done = await Promise.all(jobs.map((j) => finished(t, j.id)));
    assert.ok(done.every((j) => j.status === 'succeeded'), done.map((j) => j.error?.message).filter(Boolean).join('; '));
    assert.ok(maxActive <= 3, `jobs running at once: ${maxActive}`);
    assert.equal(maxActive, 3, 'the job limit was reached (the test exercises it)');

    const runs = await t.runs();
    const overlap = (rs: typeof runs) => {
      const edges = rs.flatMap((r) => [[Number(r.start), 1], [Number(r.end), -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      let n = 0; let max = 0;
      for (const [, d] of edges) max = Math.max(max, (n += d));
      return max;
    };
    assert.equal(overlap(runs.filter((r) => r.step === 'model')), 1, 'heavy stages ran one at a time');
    const workerRuns = runs.filter((r) => r.step !== 'post');
    assert.ok(overlap(workerRuns) <= 2, 'worker stages never exceed the pool size');
    assert.equal(runs.length, 60);

    // The first 3 start as they are submitted; every later start follows priority, then age.
    const order = t.events.filter((e) => e.type === 'job.started').map((e) => jobs.find((j) => j.id === e.jobId)!);
    const later = order.slice(3).map((j) => j.priority);
    assert.deepEqual(later, [...later].sort((a, b) => a - b), `start order by priority: ${later.join(',')}`);

    const again = t.rt.scheduler.submit({ input: jobs[0]!.input, preset: 'chain', targetLanguages: [], origin: 'cli' });
    assert.equal((await finished(t, again.id)).status, 'succeeded');
    assert.deepEqual(t.rt.store.stageRuns(again.id).map((r) => r.status), ['cached', 'cached', 'cached']);
    assert.equal((await t.runs()).length, 60, 'nothing re-ran');
  } finally {
    await t.close();
  }
});
