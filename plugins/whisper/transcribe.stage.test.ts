/**
 * The whisper provider's real code (log-mel, encoder, KV-cache decoding loop, timestamp rules,
 * fallback, no-speech, language ID, DTW word timing, VAD chunking) on the tiny Whisper of
 * test/fixtures/onnx/whisper_tiny.py, whose weights make the right output known: "one two
 * three" (en), "uno dos tres años" (es) or a "la la ... fin" loop (fr) per window, from the
 * first to the last speech frame, words at thirds (quarters) of it.
 *
 * The speech runs over a -50 dBFS bed: the tiny model's speech detector is a loudness
 * threshold, and at the fixtures' default -30 dBFS the bed is as loud as espeak-ng's speech.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { speechWav, type SpeechFixture } from '../../test/fixtures/speech.js';
import { contractSuite } from '../sdk/contract.js';
import { DubarrError, LanguageIdentification, Transcript, type SpeechSegments, type StageParams } from '../sdk/index.js';
import { setModelsDir } from '../sdk/models.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import plugin from './index.js';
import { installTinyWhispers, type TinyWhisper } from './tiny-model.testkit.js';

const BED_DB = -50;
let models: TinyWhisper;
let speech: SpeechFixture;
let spanish: string;
let silence: SpeechFixture;

before(async () => {
  models = await installTinyWhispers();
  setModelsDir(models.root);
  speech = await speechWav({ backgroundDb: BED_DB });
  silence = await speechWav({ speech: false, backgroundDb: BED_DB });
  // The tiny model's language head hears the spectral tilt: the same speech high-passed (over
  // digital silence, so the boost does not lift a bed into speech) reads as "es".
  spanish = join(models.root, 'high-passed.wav');
  await promisify(execFile)('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-i', (await speechWav({ backgroundDb: null })).path,
    '-af', 'highpass=f=2500,highpass=f=2500,highpass=f=2500,volume=24dB', '-c:a', 'pcm_s16le', spanish]);
});
after(async () => { await rm(models.root, { recursive: true, force: true }); });

const vadOf = (f: SpeechFixture): SpeechSegments => ({ durationMs: f.durationMs, segments: f.cues.map((c) => ({ start: c.start, end: c.end })) });
function inputOf(o: { audio?: string; vad?: SpeechSegments | null; params?: StageParams; options?: object } = {}) {
  const vad = o.vad === undefined ? vadOf(speech) : o.vad;
  return {
    options: o.options ?? {}, params: o.params ?? {},
    inputs: { audio: outputOf({ audio: o.audio ?? speech.path }), ...(vad ? { vad: outputOf({}, vad) } : {}) },
  };
}
const transcribeStage = findStage(plugin, 'whisper:transcribe');
async function transcribe(o: Parameters<typeof inputOf>[0] = {}): Promise<Transcript> {
  const run = await runStageForTest<Transcript>(transcribeStage, inputOf(o));
  return Transcript.parse(run.result.data);
}

/** The VAD spans the provider packs (<= 30 s, 200 ms padding): cue groups. */
function spanGroups(f: SpeechFixture): Array<{ start: number; end: number }> {
  const groups: Array<{ start: number; end: number }> = [];
  for (const c of f.cues) {
    const g = groups.at(-1);
    if (g && c.end + 200 - (g.start - 200) <= 30_000) g.end = c.end;
    else groups.push({ start: c.start, end: c.end });
  }
  return groups;
}

/** Within `tol` ms. */
const near = (got: number, want: number, tol: number, what: string) =>
  assert.ok(Math.abs(got - want) <= tol, `${what}: ${got} ms, expected ${want} +- ${tol}`);

function checkEnglish(t: Transcript, label: string): void {
  assert.equal(t.language, 'en', label);
  assert.deepEqual([t.source.kind, t.source.provider], ['asr', 'whisper']);
  const groups = spanGroups(speech);
  assert.equal(t.segments.length, groups.length, `${label}: one segment per packed VAD span: ${JSON.stringify(t.segments)}`);
  t.segments.forEach((s, i) => {
    assert.equal(s.text, 'one two three', label);
    // The first speech frame (the window opens 200 ms before it) and one past the last.
    near(s.start, groups[i]!.start, 300, `${label} segment ${i} start`);
    near(s.end, groups[i]!.end, 300, `${label} segment ${i} end`);
    assert.ok(s.confidence! > 0.5 && s.confidence! <= 1);
  });
}

contractSuite({
  plugin,
  stage: 'whisper:transcribe',
  invalidOptions: { noSpeechThreshold: 2 },
  unavailableOptions: { model: '/nonexistent/whisper-model' },
  validInput: async () => inputOf(),
  corruptInput: async () => {
    const bad = join(models.root, 'corrupt.wav');
    await writeFile(bad, Buffer.from('RIFF\0\0\0\0WAVEjunkjunkjunk'));
    return inputOf({ audio: bad });
  },
  corruptCode: 'E_MEDIA_UNREADABLE',
  longInput: async () => inputOf(),
  check(run) {
    const t = Transcript.parse(run.result.data);
    checkEnglish(t, 'transcribe');
    assert.match(t.source.detail ?? '', /language detected: en/);
    const fractions = run.progress.map((p) => p.fraction);
    assert.ok(fractions.some((f) => f > 0 && f < 1), `progress while decoding: ${fractions.join(', ')}`);
    assert.deepEqual([...fractions].sort((a, b) => a - b), fractions, 'progress never goes back');
  },
});

contractSuite({
  plugin,
  stage: 'whisper:source-text',
  invalidOptions: { temperatures: [] },
  unavailableOptions: { model: 'whisper-large-v3-turbo' },
  validInput: async () => inputOf({ params: { sourceLanguage: 'en' } }),
  corruptInput: async () => inputOf({ audio: join(models.root, 'missing.wav') }),
  corruptCode: 'E_INPUT_NOT_FOUND',
  longInput: async () => inputOf(),
  check(run) {
    const t = Transcript.parse(run.result.data);
    checkEnglish(t, 'source-text');
    assert.match(t.source.detail ?? '', /language en\b/);
  },
});

contractSuite({
  plugin,
  stage: 'whisper:identify-language',
  invalidOptions: { languageWindows: 0 },
  unavailableOptions: { model: '/nonexistent/whisper-model' },
  validInput: async () => inputOf(),
  corruptInput: async () => inputOf({ audio: join(models.root, 'corrupt.wav') }),
  longInput: async () => inputOf(),
  check(run) {
    const id = LanguageIdentification.parse(run.result.data);
    assert.equal(id.candidates[0]?.language, 'en');
    assert.ok(id.candidates[0]!.confidence > 0.9, JSON.stringify(id));
    assert.ok(id.sampleMs! > 20_000 && id.sampleMs! <= 90_000, `listened to ${id.sampleMs} ms`);
  },
});

test('spoken language: the head over VAD windows tells the high-passed speech (es) from the plain one (en); --from auto transcribes in it', async () => {
  const run = await runStageForTest(findStage(plugin, 'whisper:identify-language'), inputOf({ audio: spanish }));
  const id = LanguageIdentification.parse(run.result.data);
  assert.equal(id.candidates[0]?.language, 'es', JSON.stringify(id));
  assert.ok(id.candidates[0]!.confidence > 0.9);
  const t = await transcribe({ audio: spanish });
  assert.equal(t.language, 'es');
  assert.match(t.source.detail ?? '', /language detected: es/);
  assert.ok(t.segments.length > 0 && t.segments.every((s) => s.text === 'uno dos tres años'), JSON.stringify(t.segments.map((s) => s.text)));
});

test('a given language is the prompt: Spanish words (byte-level BPE, "años") from the language token kept in the KV cache', async () => {
  const t = await transcribe({ params: { sourceLanguage: 'es' } });
  assert.equal(t.language, 'es');
  assert.deepEqual(t.segments.map((s) => s.text), spanGroups(speech).map(() => 'uno dos tres años'));
  assert.deepEqual(t.segments[0]!.words!.map((w) => w.text), ['uno', 'dos', 'tres', 'años']);
});

test('word timestamps by cross-attention DTW: words at the thirds of the speech the attention points to', async () => {
  const t = await transcribe();
  assert.match(t.source.detail ?? '', /word times by cross-attention/);
  for (const s of t.segments) {
    const words = s.words!;
    assert.deepEqual(words.map((w) => w.text), ['one', 'two', 'three']);
    // The attention for word k of 3 peaks at (k + 0.5)/3 of the speech; the path switches halfway between peaks.
    const L = s.end - s.start;
    near(words[1]!.start, s.start + L / 3, L / 12 + 60, `"two" in ${s.id}`);
    near(words[2]!.start, s.start + (2 * L) / 3, L / 12 + 60, `"three" in ${s.id}`);
    near(words[2]!.end, s.start + (11 * L) / 12, L / 12 + 60, `"three" ends in ${s.id}`);
    for (let k = 1; k < 3; k++) assert.equal(words[k]!.start, words[k - 1]!.end, 'words follow each other');
    assert.ok(words.every((w) => w.start >= s.start && w.end <= s.end && w.end > w.start));
  }
});

test('an export without cross-attention outputs: word times shared by length, and said so', async () => {
  const t = await transcribe({ options: { model: models.plain } });
  checkEnglish(t, 'plain export');
  assert.match(t.source.detail ?? '', /word times by length/);
  const s = t.segments[0]!;
  const L = s.end - s.start;
  near(s.words![1]!.start, s.start + (3 * L) / 11, 2, 'length share of "two" (3 of 11 letters before it)');
});

test('without VAD the whole track is walked in 30 s windows, the next one starting where the last segment ended', async () => {
  const t = await transcribe({ vad: null });
  assert.match(t.source.detail ?? '', /whole track, 2 window\(s\)/);
  assert.deepEqual(t.segments.map((s) => s.text), ['one two three', 'one two three']);
  // Speech starts at 1.5 s, past the 1 s initial-timestamp limit: the model opens at <|1.00|>.
  near(t.segments[0]!.start, 1000, 0, 'first segment start');
  // The first window ends inside a sentence: its segment closes at 30 s and the next window opens there.
  near(t.segments[0]!.end, 30_000, 0, 'first segment end');
  assert.ok(t.segments[1]!.start >= 30_000);
  near(t.segments[1]!.end, speech.cues.at(-1)!.end, 300, 'last segment end');
});

test('temperature fallback: a greedy loop ("la la la ...", compression ratio > 2.4) is decoded again hotter until it ends', async () => {
  const t = await transcribe({ params: { sourceLanguage: 'fr' } });
  assert.match(t.source.detail ?? '', /decoded again hotter/);
  for (const s of t.segments) assert.match(s.text, /^(la )+fin$/, s.text);
  const greedy = await transcribe({ params: { sourceLanguage: 'fr' }, options: { temperatures: [0] } });
  for (const s of greedy.segments) {
    assert.match(s.text, /^(la ?)+$/);
    assert.ok(s.text.split(' ').length > 100, `greedy decoding loops until the token limit: ${s.text.length} chars`);
  }
});

test('no-speech threshold: a bed of noise gives no segments; without the threshold the model invents text', async () => {
  const quiet = { audio: silence.path, vad: null, params: { sourceLanguage: 'en' } };
  const t = await transcribe(quiet);
  assert.deepEqual(t.segments, []);
  assert.match(t.source.detail ?? '', /without speech/);
  // VAD found nothing, no language given: an empty transcript that claims no language.
  const none = await transcribe({ audio: silence.path, vad: { durationMs: silence.durationMs, segments: [] } });
  assert.deepEqual([none.segments, none.language], [[], undefined]);
  const hallucinated = await transcribe({ ...quiet, options: { noSpeechThreshold: null } });
  assert.ok(hallucinated.segments.length > 0, 'the tiny model hallucinates on silence, as Whisper does');
});

test('a 128-band export (large-v3 style) reads its feature size from preprocessor_config.json', async () => {
  const t = await transcribe({ options: { model: models.mels128 } });
  checkEnglish(t, '128 bands');
});

test('languages the model lacks, a missing model, audio that is not the analysis track: coded errors that say what to do', async () => {
  await assert.rejects(transcribe({ params: { sourceLanguage: 'ja' } }),
    (e: unknown) => e instanceof DubarrError && e.code === 'E_LANGUAGE_UNSUPPORTED' && /does not know the language 'ja'/.test(e.message));
  await assert.rejects(transcribe({ options: { model: 'whisper-small' } }),
    (e: unknown) => e instanceof DubarrError && e.code === 'E_MODEL_MISSING');
  const a = await plugin.available!(plugin.options.parse({ model: 'whisper-small' }));
  assert.equal(a.ok, false);
  assert.match(a.reason!, /dubarr models pull whisper-small \(improves transcribe, source-text, identify-language\)/);
  const stereo = join(models.root, 'stereo.wav');
  await promisify(execFile)('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-i', speech.path, '-ac', '2', stereo]);
  await assert.rejects(transcribe({ audio: stereo }),
    (e: unknown) => e instanceof DubarrError && e.code === 'E_INVALID_ARGUMENT' && /16 kHz mono/.test(e.message));
});

test('engine fingerprint follows the installed model', async () => {
  const a = await plugin.engine!(plugin.options.parse({}), {});
  const b = await plugin.engine!(plugin.options.parse({ model: models.plain }), {});
  assert.ok(a.model && b.model && a.model !== b.model);
});
