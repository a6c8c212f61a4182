import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outputOf } from '../sdk/testing.js';
import { buildReport } from './report.js';
import { wordErrorRate } from '../sdk/word-error-rate.js';

test('word error rate counts substitutions, insertions and deletions per reference word', () => {
  assert.equal(wordErrorRate('the new bridge is made of stone', 'the new bridge is made of stone'), 0);
  assert.equal(wordErrorRate('the new bridge', 'the old bridge'), 1 / 3);
  assert.equal(wordErrorRate('the new bridge', 'the bridge'), 1 / 3);
  assert.equal(wordErrorRate('The new, bridge!', 'the new bridge over'), 1 / 3);
  assert.equal(wordErrorRate('', ''), 0);
});

test('the QA report: source, counts, confidence, fit figures, placement error, back-transcription per target', () => {
  const seg = (id: string, start: number, text: string, confidence?: number) => ({ id, start, end: start + 900, text, confidence });
  const report = buildReport({
    text: outputOf({}, { language: 'es', source: { kind: 'asr', provider: 'x' }, segments: [seg('a', 0, 'hola', 0.8), seg('b', 1000, 'adiós', 0.6)] }),
    units: outputOf({}, { language: 'es', source: { kind: 'asr', provider: 'x' }, segments: [seg('u1', 0, 'hola adiós')] }),
    vad: outputOf({}, { durationMs: 5000, segments: [{ start: 0, end: 1900 }] }),
    'translate:en': outputOf({}, { segments: [{ id: 'u1', start: 0, end: 1900, text: 'hola adiós', target: 'hello goodbye' }] }),
    'back:en': outputOf({}, { language: 'en', source: { kind: 'asr', provider: 'pocketsphinx' }, segments: [seg('b1', 0, 'hello good bye')] }),
    'fit:en': outputOf({}, { units: [{ id: 'u1', start: 0, placedStart: 0, rate: 1.1, factor: 1.05 }], summary: { stretched: 1, overflows: 0, maxFactor: 1.05, histogram: { '1.00-1.10': 1 } } }),
    'fit:ca': outputOf({}, { units: [], summary: {} }),
  }, ['en', 'ca']);
  assert.deepEqual(report.segments, { transcript: 2, units: 1, speech: 1, speechMs: 1900 });
  assert.equal(report.asrConfidence, 0.7);
  assert.equal(report.targets.en!.maxPlacementErrorMs, 0);
  assert.deepEqual(report.targets.en!.ttsRates, { resynthesized: 1, maxRate: 1.1 });
  assert.deepEqual(report.targets.en!.backTranscription, { provider: 'pocketsphinx', wordErrorRate: 1 });
  assert.match((report.targets.ca!.backTranscription as { unavailable: string }).unavailable, /no speech recognizer for 'ca'/);
});
