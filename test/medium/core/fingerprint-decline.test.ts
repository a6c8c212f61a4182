/**
 * A provider whose engine fingerprint fails (its model file vanished) declines the step: the
 * next provider runs it, and with none left the job fails E_NO_PROVIDER saying why. A step that
 * is never cached never asks for a fingerprint. The real runtime with the test plugins:
 * test-stages and test-spare both offer 'modelled'; test-stages is preferred.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PresetInput } from '../../../core/pipeline/plan.js';
import { finished, testRuntime } from './harness.js';

const step = (extra: Partial<PresetInput['steps'][number]> = {}): PresetInput => ({ steps: [{ id: 'only', capability: 'modelled', inputs: { source: 'source' }, ...extra }] });

test('a fingerprint failure declines the provider: the next one runs, none left is E_NO_PROVIDER naming why; cache:false steps never ask', async () => {
  const t = await testRuntime(
    { any: step(), pinned: step({ provider: 'test-stages' }), uncached: step({ provider: 'test-stages', cache: false }) },
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
  } finally {
    await t.close();
  }
});
