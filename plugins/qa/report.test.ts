import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contractSuite } from '../sdk/contract.js';
import { outputOf } from '../sdk/testing.js';
import qa from './index.js';
import { buildReport, type QaReport } from './report.js';

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

test('the QA report says which evidence decided the source language and whether it overruled the tag', () => {
  const decision = {
    language: 'en', decidedBy: 'subtitle-text', confidence: 0.97, audioTag: 'de', overridesTag: true, minConfidence: 0.8,
    evidence: [{ method: 'subtitle-text', language: 'en', confidence: 0.97, source: 'eld 2.1.0 (small)' }, { method: 'audio-tag', language: 'de' }],
    note: 'English, from the subtitle text (eld 2.1.0 (small): 97% confident); the audio stream\'s tag said German and was overruled.',
  };
  const report = buildReport({
    text: outputOf({}, { source: { kind: 'subtitles', provider: 'subtitles', detail: 'sidecar talk.srt' }, segments: [] }),
    language: outputOf({}, decision),
  }, []);
  assert.deepEqual(report.sourceLanguage, decision, 'the decision as the source-language schema gives it, threshold included');
  assert.equal(report.source.language, 'en', 'the decided language, not the untagged file\'s (none)');
  assert.equal(buildReport({ text: outputOf({}, { source: { kind: 'asr', provider: 'x' }, segments: [] }) }, []).sourceLanguage, undefined);
  // A document that is not a decision (a broken provider) is not reported as one.
  const broken = buildReport({
    text: outputOf({}, { language: 'de', source: { kind: 'asr', provider: 'x' }, segments: [] }),
    language: outputOf({}, { language: 'en', decidedBy: 'a hunch', evidence: [{ method: 'guess' }] }),
  }, []);
  assert.deepEqual([broken.sourceLanguage, broken.source.language], [undefined, 'de']);
});

const seg = (id: string, start: number, text: string) => ({ id, start, end: start + 900, text });
const documents = {
  text: outputOf({}, { language: 'en', source: { kind: 'subtitles', provider: 'subtitles' }, segments: [seg('a', 0, 'hello'), seg('b', 1000, 'goodbye')] }),
  vad: outputOf({}, { durationMs: 5000, segments: [{ start: 0, end: 1900 }] }),
  'fit:es': outputOf({}, { units: [{ id: 'u1', start: 0, placedStart: 40, rate: 1 }], summary: { stretched: 0, overflows: 0, maxFactor: 1, histogram: {} } }),
};

contractSuite({
  plugin: qa,
  stage: 'qa:report',
  invalidOptions: 'not an object',
  validInput: async () => ({ options: {}, params: { targetLanguages: ['es'] }, inputs: documents }),
  corruptInput: async () => ({ options: {}, params: { targetLanguages: 'es' }, inputs: documents }),
  corruptCode: 'E_INVALID_ARGUMENT',
  noMidRun: 'it builds one small JSON document from its inputs in microseconds on the main thread, with nothing to interrupt (an aborted job is still refused before it starts)',
  check(run) {
    const report = run.result.data as QaReport;
    assert.deepEqual(report.segments, { transcript: 2, units: 0, speech: 1, speechMs: 1900 });
    assert.deepEqual(Object.keys(report.targets), ['es']);
    assert.equal(report.targets.es!.maxPlacementErrorMs, 40);
  },
});
