/**
 * The jobs service's every-job updates (GraphQL's jobsUpdated) on the real runtime with the
 * test stages: two jobs' changes interleaved, each job's progress never going back, both
 * through to their terminal state; aborting ends the iteration. A burst of progress followed
 * by silence is reported where it ends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobView } from '../../../core/service/job-view.js';
import { finished, testRuntime, waitFor } from './harness.js';

test('subscribeAll: every job from now on, per job never going back, transitions included; abort ends it', async () => {
  const t = await testRuntime({ two: { steps: [
    { id: 'a', capability: 'slow', inputs: { source: 'source' }, params: { ms: 200 } },
    { id: 'b', capability: 'slow', inputs: { a: 'a' }, params: { ms: 200 } },
  ] } });
  try {
    const stop = new AbortController();
    const updates = t.rt.jobs.subscribeAll({ signal: stop.signal, throttleMs: 50 });
    const first = updates.next(); // listening from here on
    const ids = [
      (await t.rt.jobs.create({ path: t.input, preset: 'two', targetLanguages: [], origin: 'api' })).id,
      (await t.rt.jobs.create({ path: t.input, preset: 'two', targetLanguages: [], origin: 'api', priority: 'backfill' })).id,
    ];
    const seen = new Map<string, JobView[]>(ids.map((id) => [id, []]));
    for (let r = await first; !r.done; r = await updates.next()) {
      seen.get(r.value.id)!.push(r.value);
      if (ids.every((id) => seen.get(id)!.at(-1)?.status === 'succeeded')) break;
    }
    for (const [id, views] of seen) {
      assert.ok(views.some((v) => v.status === 'running'), `${id} seen running`);
      for (let i = 1; i < views.length; i++) {
        assert.ok(views[i]!.progress >= views[i - 1]!.progress, `${id}: progress went back`);
        for (const s of views[i]!.stages) assert.ok(s.progress >= (views[i - 1]!.stages.find((x) => x.id === s.id)?.progress ?? 0), `${id} ${s.id} went back`);
      }
    }
    const pending = updates.next();
    stop.abort();
    assert.deepEqual(await pending, { done: true, value: undefined }, 'abort ends a waiting iteration');
  } finally {
    await t.close();
  }
});

test('a stage that reports a burst of progress and then works silently is shown where it stands, not at the burst\'s first report', async () => {
  const holdDir = await mkdtemp(join(tmpdir(), 'dubarr-burst-'));
  // Ten reports 1 ms apart (well inside the bus's 200 ms interval), then a wait at 50 % until released.
  const t = await testRuntime({ burst: { steps: [{ id: 'a', capability: 'slow', inputs: { source: 'source' }, params: { ms: 10, step: 'a', holdDir, holdAt: 0.5 } }] } });
  try {
    const stop = new AbortController();
    const updates = t.rt.jobs.subscribeAll({ signal: stop.signal, throttleMs: 50 });
    const first = updates.next();
    const { id } = await t.rt.jobs.create({ path: t.input, preset: 'burst', targetLanguages: [], origin: 'api' });
    // The bus gets the last report of the burst (its end is the stage's state while it waits).
    await waitFor(t, (e) => e.jobId === id && e.type === 'job.progress' && e.step === 'a' && (e.data as { stepProgress?: number }).stepProgress === 0.5);
    assert.ok(existsSync(join(holdDir, 'a.holding')), 'reported at the hold');
    const view = t.rt.jobs.get(id);
    assert.deepEqual([view.stages[0]!.progress, view.progressNote], [0.5, 'a: tick 5'], 'the stage and the note where it stands');
    let r = await first;
    while (!r.done && r.value.stages[0]!.progress < 0.5) r = await updates.next();
    assert.equal(r.done ? undefined : r.value.stages[0]!.progress, 0.5, 'and so does a subscriber');
    stop.abort();
    await writeFile(join(holdDir, 'a.release'), '');
    assert.equal((await finished(t, id))?.status, 'succeeded');
  } finally {
    await t.close();
    await rm(holdDir, { recursive: true, force: true });
  }
});
