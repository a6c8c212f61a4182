import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PresetInput } from '../../../core/pipeline/plan.js';
import { finished, testRuntime } from './harness.js';

/** `prep` feeds only `check`, an optional step; `final` is the job's result. */
const preset = (checkCapability: string): PresetInput => ({
  steps: [
    { id: 'prep', capability: 'slow', inputs: { source: 'source' }, params: { ms: 20, step: 'prep' } },
    { id: 'check', capability: checkCapability, inputs: { prep: 'prep' }, params: { ms: 20, step: 'check' }, optional: true },
    { id: 'final', capability: 'slow', inputs: { source: 'source' }, params: { ms: 20, step: 'final' } },
  ],
});

test('a step only optional steps without a provider would read is skipped, not run', async () => {
  const t = await testRuntime({ orphan: preset('teleport'), read: preset('slow-main') });
  try {
    const orphan = t.rt.scheduler.submit({ input: t.input, preset: 'orphan', targetLanguages: [], origin: 'cli' });
    assert.equal((await finished(t, orphan.id)).status, 'succeeded');
    const runs = t.rt.store.stageRuns(orphan.id);
    assert.deepEqual(runs.map((r) => [r.step, r.status]).sort(), [['check', 'skipped'], ['final', 'succeeded'], ['prep', 'skipped']]);
    assert.match(runs.find((r) => r.step === 'prep')!.error!.message, /check would read it, and no installed provider can run it/);
    assert.deepEqual((await t.runs()).map((r) => r.step), ['final'], 'prep never ran');

    // The same graph where the optional reader has a provider: prep runs for it.
    const read = t.rt.scheduler.submit({ input: t.input, preset: 'read', targetLanguages: [], origin: 'cli' });
    assert.equal((await finished(t, read.id)).status, 'succeeded');
    const status = (step: string) => t.rt.store.stageRuns(read.id).find((r) => r.step === step)?.status;
    assert.deepEqual([status('prep'), status('check')], ['succeeded', 'succeeded']);
  } finally {
    await t.close();
  }
});

test('a step whose only reader says, with the job\'s options, that it does not read it is skipped (mix.background: duck and the separate step)', async () => {
  const preset: PresetInput = {
    steps: [
      { id: 'prep', capability: 'slow', inputs: { source: 'source' }, params: { ms: 20, step: 'prep' } },
      { id: 'use', capability: 'reads-if', inputs: { prep: 'prep', source: 'source' } },
    ],
  };
  const t = await testRuntime({ preset });
  try {
    const submit = (readsPrep: boolean) => t.rt.scheduler.submit({ input: t.input, preset: 'preset', targetLanguages: [], origin: 'cli', options: { plugins: { 'test-stages': { readsPrep } } } });
    const skipped = submit(false);
    assert.equal((await finished(t, skipped.id)).status, 'succeeded');
    const runs = t.rt.store.stageRuns(skipped.id);
    assert.deepEqual(runs.map((r) => [r.step, r.status]).sort(), [['prep', 'skipped'], ['use', 'succeeded']]);
    assert.match(runs.find((r) => r.step === 'prep')!.error!.message, /use does not read it with its options \(test-stages\)/);
    assert.deepEqual((await t.runs()).map((r) => r.step), [], 'prep never ran');

    const read = submit(true);
    assert.equal((await finished(t, read.id)).status, 'succeeded');
    assert.deepEqual(t.rt.store.stageRuns(read.id).map((r) => [r.step, r.status]).sort(), [['prep', 'succeeded'], ['use', 'succeeded']]);
  } finally {
    await t.close();
  }
});
