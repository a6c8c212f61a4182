/**
 * A provider whose engine fingerprint fails (its model file vanished) declines the step: the
 * next provider runs it, and with none left the job fails E_NO_PROVIDER saying why, unless the
 * step is optional: then it is skipped. A step that is never cached never asks for a fingerprint. The real runtime with the test plugins:
 * test-stages and test-spare both offer 'modelled'; test-stages is preferred.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PresetInput } from '../../../core/pipeline/plan.js';
import { finished, testRuntime } from './harness.js';

const step = (extra: Partial<PresetInput['steps'][number]> = {}): PresetInput => ({ steps: [{ id: 'only', capability: 'modelled', inputs: { source: 'source' }, ...extra }] });

test('a fingerprint failure declines the provider: the next one runs, none left is E_NO_PROVIDER naming why (an optional step is skipped); cache:false steps never ask', async () => {
  const t = await testRuntime(
    {
      any: step(), pinned: step({ provider: 'test-stages' }), uncached: step({ provider: 'test-stages', cache: false }),
      optional: { steps: [...step({ provider: 'test-stages', optional: true }).steps, { id: 'after', capability: 'noop', cache: false, inputs: { only: 'only' } }] },
      // A provider that runs and answers E_NOT_APPLICABLE (the input is not for it) declines too.
      'optional-na': { steps: [{ id: 'only', capability: 'broken', inputs: { source: 'source' }, optional: true, params: { failures: 1e9, code: 'E_NOT_APPLICABLE', key: 'n-a' } }] },
    },
    { providers: { preference: { modelled: ['test-stages', 'test-spare'] } } },
  );
  try {
    const model = join(t.dir, 'model.bin');
    await writeFile(model, 'weights v1');
    const vanished = join(t.dir, 'vanished.bin');
    const run = async (preset: string, modelFile: string) => {
      const job = t.rt.scheduler.submit({ input: t.input, preset, targetLanguages: [], origin: 'cli', options: { plugins: { 'test-stages': { modelFile } } } });
      const done = await finished(t, job.id);
      return { done, runs: t.rt.store.stageRuns(job.id).map((r) => [r.provider, r.status, r.error?.code]) };
    };

    const present = await run('any', model);
    assert.equal(present.done.status, 'succeeded', present.done.error?.message);
    assert.deepEqual(present.runs, [['test-stages', 'succeeded', undefined]], 'the preferred provider runs while its model is there');

    const fallback = await run('any', vanished);
    assert.equal(fallback.done.status, 'succeeded', fallback.done.error?.message);
    assert.deepEqual(fallback.runs, [['test-stages', 'skipped', 'E_PROVIDER_UNAVAILABLE'], ['test-spare', 'succeeded', undefined]]);
    const skipped = t.events.find((e) => e.jobId === fallback.done.id && e.type === 'stage.skipped');
    assert.match(String(skipped?.data?.reason), /test-stages could not identify its engine.*vanished\.bin/);

    const none = await run('pinned', vanished);
    assert.equal(none.done.status, 'failed');
    assert.equal(none.done.error?.code, 'E_NO_PROVIDER');
    assert.match(none.done.error!.message, /Every provider for step 'only' declined:\n {2}test-stages: test-stages could not identify its engine.*ENOENT.*vanished\.bin/);

    const uncached = await run('uncached', vanished);
    assert.equal(uncached.done.status, 'succeeded', uncached.done.error?.message);
    assert.deepEqual(uncached.runs, [['test-stages', 'succeeded', undefined]]);

    // An optional step (a QA-only back-transcription) whose every provider declined is skipped, with the reasons; its reader runs.
    const optional = await run('optional', vanished);
    assert.equal(optional.done.status, 'succeeded', optional.done.error?.message);
    assert.deepEqual(optional.runs, [['test-stages', 'skipped', 'E_PROVIDER_UNAVAILABLE'], [undefined, 'skipped', 'E_NO_PROVIDER'], ['test-stages', 'succeeded', undefined]]);
    const stepSkipped = t.events.filter((e) => e.jobId === optional.done.id && e.type === 'stage.skipped').at(-1);
    assert.equal(stepSkipped?.step, 'only');
    assert.match(String(stepSkipped?.data?.reason), /Every provider for step 'only' declined:\n {2}test-stages: test-stages could not identify its engine.*vanished\.bin/);

    const notApplicable = await run('optional-na', model);
    assert.equal(notApplicable.done.status, 'succeeded', notApplicable.done.error?.message);
    assert.deepEqual(notApplicable.runs, [['test-stages', 'skipped', 'E_NOT_APPLICABLE'], [undefined, 'skipped', 'E_NO_PROVIDER']]);
  } finally {
    await t.close();
  }
});
