import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StageOutput } from '../../plugins/sdk/plugin.js';
import { BUILTIN_PRESETS } from './presets.js';
import { expandPreset, Preset, type Plan } from './plan.js';
import { SourceLanguages } from './source-language.js';

const out = (data: unknown): StageOutput => ({ files: {}, data, hash: 'h' });
const dubPlan = (sourceLanguage?: string): Plan =>
  expandPreset('dub', Preset.parse(BUILTIN_PRESETS.dub), { preset: 'dub', sourceLanguage, targetLanguages: ['es'] });
const step = (plan: Plan, id: string) => plan.steps.find((s) => s.id === id)!;

test('auto: the tag is a hint before the decision, the decided language a fact after it', () => {
  const plan = dubPlan();
  const l = new SourceLanguages(plan);
  assert.deepEqual(l.paramsFor(step(plan, 'extract')), {});
  l.record(step(plan, 'extract'), out({ language: 'de' }));
  for (const id of ['vad', 'embedded-subtitles', 'text', 'spoken-language', 'language']) {
    assert.deepEqual(l.paramsFor(step(plan, id)), { sourceLanguageHint: 'de' }, id);
  }
  l.record(step(plan, 'language'), out({ language: 'en', decidedBy: 'subtitle-text' }));
  for (const id of ['units', 'translate:es', 'synthesize:es', 'subtitles:es', 'source-subtitles']) {
    const p = l.paramsFor(step(plan, id));
    assert.equal(p.sourceLanguage, 'en', id);
    assert.equal(p.sourceLanguageHint, undefined, id);
  }
  // A step that works on the dub itself keeps the target as its source language.
  assert.equal(l.paramsFor(step(plan, 'back:es')).sourceLanguage, 'es');
});

test("an 'und' tag is no hint; a given language is never replaced", () => {
  const auto = dubPlan();
  const und = new SourceLanguages(auto);
  und.record(step(auto, 'extract'), out({ language: 'und' }));
  assert.deepEqual(und.paramsFor(step(auto, 'text')), {});
  const given = dubPlan('fr');
  const l = new SourceLanguages(given);
  l.record(step(given, 'extract'), out({ language: 'de' }));
  l.record(step(given, 'language'), out({ language: 'fr' }));
  for (const id of ['text', 'units', 'translate:es']) assert.equal(l.paramsFor(step(given, id)).sourceLanguage, 'fr', id);
});

test('a preset without a decision step takes the tag as the language after extraction, as before', () => {
  const plan = expandPreset('old', Preset.parse({ steps: [
    { id: 'extract', capability: 'extract', inputs: { source: 'source' } },
    { id: 'text', capability: 'source-text', inputs: { audio: 'extract' } },
    { id: 'translate', capability: 'translate', inputs: { units: 'text' }, perTarget: true },
  ] }), { preset: 'old', targetLanguages: ['es'] });
  const l = new SourceLanguages(plan);
  l.record(step(plan, 'extract'), out({ language: 'de' }));
  assert.equal(l.paramsFor(step(plan, 'text')).sourceLanguage, 'de');
  assert.equal(l.paramsFor(step(plan, 'translate:es')).sourceLanguage, 'de');
});
