import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from '../jobs/store.js';
import { BUILTIN_PRESETS, PresetRegistry } from './presets.js';

const job = (preset: string) => ({ preset, sourceLanguage: 'en', targetLanguages: ['es', 'ca'], options: {} }) as unknown as Job;

test('dub-lipsync: a lip-sync step per target after its mix, fed the fit and the mix; the mux gets each target\'s lip-synced video', () => {
  const plan = new PresetRegistry(BUILTIN_PRESETS).plan(job('dub-lipsync'));
  for (const lang of ['es', 'ca']) {
    const step = plan.steps.find((s) => s.id === `lipsync:${lang}`);
    assert.ok(step, `lipsync:${lang}`);
    assert.equal(step.capability, 'lipsync');
    assert.deepEqual(step.inputs, { source: 'source', extract: 'extract', fit: `fit:${lang}`, mix: `mix:${lang}` });
    assert.equal(step.optional, false, 'asked for: no provider is a failed job, not a silent dub without it');
  }
  const mux = plan.steps.find((s) => s.id === 'mux')!;
  assert.equal(mux.inputs['lipsync:es'], 'lipsync:es');
  assert.equal(mux.inputs['lipsync:ca'], 'lipsync:ca');
});

test('the dub preset has no lip-sync: it runs only when a preset asks for it', () => {
  const plan = new PresetRegistry(BUILTIN_PRESETS).plan(job('dub'));
  assert.ok(!plan.steps.some((s) => s.capability === 'lipsync'));
  assert.ok(!Object.keys(plan.steps.find((s) => s.id === 'mux')!.inputs).some((k) => k.startsWith('lipsync')));
});
