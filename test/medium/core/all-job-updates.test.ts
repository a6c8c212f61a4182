/**
 * The jobs service's every-job updates (GraphQL's jobsUpdated) on the real runtime with the
 * test stages: two jobs' changes interleaved, each job's progress never going back, both
 * through to their terminal state; aborting ends the iteration.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobView } from '../../../core/service/job-view.js';
import { testRuntime } from './harness.js';

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
