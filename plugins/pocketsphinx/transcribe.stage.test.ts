import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { contractSuite } from '../sdk/contract.js';
import { DubarrError, Transcript, type StageParams, type SpeechSegments } from '../sdk/index.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import plugin from './index.js';
import { wordErrorRate } from '../sdk/word-error-rate.js';
import { requireEnglish } from './stage-inputs.js';
import { makeSpeech, type SpeechFixture } from './speech-fixture.js';

const def = findStage(plugin, 'pocketsphinx:transcribe');

/*
 * Word error rate bound. pocketsphinx's generic US English model on espeak-ng's formant
 * speech measured 0.25-0.45 on these sentences and a 27 s passage (it varies with tiny
 * changes such as a 17-sample shift); a broken pipeline (wrong rate, byte order or offsets)
 * gives 0.9-1.0. 0.5 — "most words recovered" — separates the two with margin.
 */
const MAX_WER = 0.5;

let speech: SpeechFixture;
before(async () => {
  speech = await makeSpeech([
    { text: 'Good morning everyone. Thank you for coming today.', at: 500 },
    { text: 'We are going to talk about the weather and the news.', at: 5500 },
    { text: 'My brother works at the hospital near the river.', at: 10_500 },
  ], 15_000);
});
after(async () => { await rm(speech.dir, { recursive: true, force: true }); });

const reference = () => speech.sentences.map((s) => s.text).join(' ');
const vadOf = (f: SpeechFixture): SpeechSegments => ({ durationMs: f.durationMs, segments: f.sentences.map((s) => ({ start: s.at, end: s.end })) });
const inputOf = (vad?: SpeechSegments, params: StageParams = { sourceLanguage: 'en' }, options: object = {}) => ({
  options, params, inputs: { audio: outputOf({ audio: speech.wav }), ...(vad ? { vad: outputOf({}, vad) } : {}) },
});

function checkTranscript(t: Transcript, label: string): void {
  const text = t.segments.map((s) => s.text).join(' ');
  const wer = wordErrorRate(reference(), text);
  assert.ok(wer <= MAX_WER, `${label}: WER ${wer.toFixed(2)} > ${MAX_WER}: "${text}"`);
  assert.doesNotMatch(text, /[<[(+]/, 'fillers and pronunciation marks removed');
  assert.deepEqual([t.source.kind, t.source.provider], ['asr', 'pocketsphinx']);
  let last = 0;
  for (const s of t.segments) {
    assert.ok(s.start >= last && s.end > s.start && s.end <= speech.durationMs, `${s.id} ${s.start}-${s.end}`);
    last = s.start;
    assert.ok(s.confidence !== undefined && s.confidence >= 0 && s.confidence <= 1);
    for (const w of s.words!) assert.ok(w.start >= s.start && w.end <= s.end && w.confidence! >= 0 && w.confidence! <= 1);
    assert.equal(s.text, s.words!.map((w) => w.text).join(' '));
  }
  // Each sentence's first recognised word starts where the sentence was placed.
  for (const sentence of speech.sentences) {
    const first = t.segments.flatMap((s) => s.words!).find((w) => w.end > sentence.at);
    assert.ok(first && Math.abs(first.start - sentence.at) <= 250, `${label}: word at ${first?.start} for a sentence at ${sentence.at}`);
  }
}

const corruptInput = async () => {
  const bad = join(speech.dir, 'corrupt.wav');
  await writeFile(bad, Buffer.from('RIFF\0\0\0\0WAVEjunkjunkjunk'));
  return { options: {}, params: {}, inputs: { audio: outputOf({ audio: bad }) } };
};

contractSuite({
  plugin,
  stage: 'pocketsphinx:transcribe',
  invalidOptions: { concurrency: 0 },
  unavailableOptions: { modelDir: '/nonexistent/model' },
  validInput: async () => inputOf(),
  corruptInput,
  corruptCode: 'E_MEDIA_UNREADABLE',
  longInput: async () => inputOf(),
  check(run) {
    const t = Transcript.parse(run.result.data);
    assert.equal(t.language, 'en');
    checkTranscript(t, 'whole track');
    const fractions = run.progress.map((p) => p.fraction);
    assert.ok(fractions.length >= 3 && fractions.some((f) => f > 0 && f < 1), `progress while decoding: ${fractions.join(', ')}`);
    assert.deepEqual([...fractions].sort((a, b) => a - b), fractions, 'progress never goes back');
  },
});

// The same recognizer as the fallback source of the text to dub (after existing subtitles).
contractSuite({
  plugin,
  stage: 'pocketsphinx:source-text',
  invalidOptions: { concurrency: 0 },
  unavailableOptions: { modelDir: '/nonexistent/model' },
  validInput: async () => inputOf(),
  corruptInput,
  corruptCode: 'E_MEDIA_UNREADABLE',
  longInput: async () => inputOf(),
  check(run) {
    const t = Transcript.parse(run.result.data);
    assert.equal(t.language, 'en');
    checkTranscript(t, 'source text');
  },
});

test('with VAD, only speech regions are decoded, in parallel runs, and times land on the source timeline', async () => {
  const run = await runStageForTest<Transcript>(def, inputOf(vadOf(speech), undefined, { chunkSeconds: 5 }), { parallelism: 2 });
  await rm(run.workDir, { recursive: true, force: true });
  const t = Transcript.parse(run.result.data);
  checkTranscript(t, 'VAD regions');
  assert.match(t.source.detail ?? '', /3 VAD regions/);
  for (const w of t.segments.flatMap((s) => s.words!)) {
    assert.ok(speech.sentences.some((s) => w.start >= s.at - 200 && w.end <= s.end + 200), `word ${w.text} at ${w.start} outside speech`);
  }
});

test('English only; the audio must be the 16 kHz mono analysis track', async () => {
  await assert.rejects(runStageForTest(def, inputOf(undefined, { sourceLanguage: 'es' })),
    (e: unknown) => e instanceof DubarrError && e.code === 'E_LANGUAGE_UNSUPPORTED' && /English/.test(e.message));
  const stereo = join(speech.dir, 'stereo.wav');
  await promisify(execFile)('ffmpeg', ['-loglevel', 'error', '-y', '-i', speech.wav, '-ar', '44100', '-ac', '2', stereo]);
  await assert.rejects(runStageForTest(def, { options: {}, params: {}, inputs: { audio: outputOf({ audio: stereo }) } }),
    (e: unknown) => e instanceof DubarrError && e.code === 'E_INVALID_ARGUMENT' && /16 kHz mono/.test(e.message));
  await assert.rejects(runStageForTest(def, inputOf(undefined, {}, { binary: '/nonexistent/pocketsphinx_continuous' })),
    (e: unknown) => e instanceof DubarrError && e.code === 'E_PROVIDER_UNAVAILABLE' && /apt-get install pocketsphinx/.test(e.message));
});

test('an unknown source language ("und", "", "zxx") is taken as English, not rejected; a bad code still is', () => {
  const withLanguage = (sourceLanguage: string) => ({ options: {}, params: { sourceLanguage }, inputs: {} });
  for (const tag of ['und', '', 'zxx', 'en', 'eng']) assert.doesNotThrow(() => requireEnglish(withLanguage(tag)), tag);
  assert.throws(() => requireEnglish(withLanguage('xx')), (e: unknown) => e instanceof DubarrError && e.code === 'E_INVALID_ARGUMENT');
  assert.throws(() => requireEnglish(withLanguage('de')), (e: unknown) => e instanceof DubarrError && e.code === 'E_LANGUAGE_UNSUPPORTED');
});
