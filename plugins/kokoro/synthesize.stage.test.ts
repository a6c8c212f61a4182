import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { readMono, stretchAmplitudes, toneHz } from '../../test/fixtures/tiny-voice-checks.js';
import { contractSuite } from '../sdk/contract.js';
import { DubarrError, SynthesizedSegments, type StageParams, type Translation } from '../sdk/index.js';
import { setModelsDir } from '../sdk/models.js';
import { splitClauses } from '../sdk/speech-clauses.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import { readWavInfo } from '../sdk/wav.js';
import plugin from './index.js';
import { kokoroPhonemes } from './kokoro-phonemes.js';
import { installTinyKokoro, TINY_HOP as HOP, TINY_LEAD, TINY_RATE as RATE, TINY_VOICES as VOICES } from './tiny-model.testkit.js';
import { kokoroTokens } from './tokens.js';

const def = findStage(plugin, 'kokoro:synthesize');
// The tiny model's 100 ms of silence is cut to the 10 ms a clip keeps before its first sound.
const KEPT_LEAD = (10 * RATE) / 1000;

const { root, vocab } = await installTinyKokoro();
setModelsDir(root);
const workDirs: string[] = [];
after(() => Promise.all([root, ...workDirs].map((d) => rm(d, { recursive: true, force: true }))));

type Segment = { id: string; start: number; end: number; target: string; speaker?: string };

function translation(segments: Segment[], targetLanguage = 'en'): Translation {
  return { sourceLanguage: 'fr', targetLanguage, provider: 'test', segments: segments.map((s) => ({ text: 'source', ...s })) };
}

const inputOf = (t: Translation, options: object = {}, params: StageParams = { targetLanguage: t.targetLanguage }) =>
  ({ options, params, inputs: { translation: outputOf({}, t) } });

async function synthesize(t: Translation, options: object = {}, params?: StageParams) {
  const run = await runStageForTest<SynthesizedSegments>(def, inputOf(t, options, params));
  workDirs.push(run.workDir);
  return { ...run, data: SynthesizedSegments.parse(run.result.data), files: run.result.files ?? {} };
}

/** Kokoro's runs for a text, worked out here from espeak-ng's own output (one clause at a time). */
function expectedRuns(text: string, espeak: string): number[][] {
  const clauses = splitClauses(text);
  const ipa = clauses.map((c) => execFileSync('espeak-ng', ['-q', '--ipa', '--tie=^', '-v', espeak, c.text], { encoding: 'utf8' })
    .split('\n').join(' ').replace(/\([^)]*\)/g, '').replace(/\s+/g, ' ').trim());
  return kokoroTokens(clauses, ipa.map((p) => kokoroPhonemes(p, espeak)), vocab).runs;
}

/** What a run carried: the style row (the first stretch is the pad, id 0) and the ids. */
function decodeRun(x: Float32Array, start: number, count: number, period: number): { row: number; ids: number[] } {
  const amps = stretchAmplitudes(x, start, HOP, count, period).map((a) => a * 1024);
  const row = Math.round(amps[0]! - 16);
  return { row, ids: amps.map((a) => Math.round(a - 16 - row) + 0) }; // + 0: no -0
}

const roomy = translation([
  { id: 'a', start: 0, end: 6000, target: 'Hello there, how are you?' },
  { id: 'empty', start: 6000, end: 7000, target: '  ' },
  { id: 'b', start: 8000, end: 14000, target: 'Fine, thanks.' },
]);

contractSuite({
  plugin,
  stage: 'kokoro:synthesize',
  invalidOptions: { speed: 9 },
  unavailableOptions: { model: '/nonexistent/kokoro' },
  validInput: async () => inputOf(roomy),
  corruptInput: async () => ({ options: {}, params: { targetLanguage: 'en' }, inputs: { translation: outputOf({}, { segments: [{ id: 1 }] }) } }),
  corruptCode: 'E_INVALID_ARGUMENT',
  longInput: async () => inputOf(translation(Array.from({ length: 200 }, (_, i) => ({
    id: `l${i}`, start: i * 10_000, end: i * 10_000 + 9000, target: 'The quick brown fox jumps over the lazy dog. It sleeps.',
  })))),
  async check(run) {
    const data = SynthesizedSegments.parse(run.result.data);
    assert.equal(data.provider, 'kokoro');
    assert.deepEqual(data.segments.map((s) => [s.id, s.file, s.start, s.end, s.rate, s.voice]), [
      ['a', 'a', 0, 6000, 1, 'af_tiny'], ['b', 'b', 8000, 14000, 1, 'af_tiny'],
    ]);
    for (const s of data.segments) {
      const info = await readWavInfo(run.result.files![s.file]!);
      assert.deepEqual([info.sampleRate, info.channels, info.format], [RATE, 1, 's16']);
      assert.equal(info.durationMs, s.durationMs);
    }
  },
});

test('the model gets Kokoro\'s input: pads, phonemes in its symbols with punctuation, the style row of that many phonemes', async () => {
  const text = 'I like my joy, the button. Where is it?';
  const run = await synthesize(translation([{ id: 'x', start: 0, end: 60_000, target: text }]));
  const [expected] = expectedRuns(text, 'en-us');
  assert.ok(expected && expected.length > 20);
  const { x } = await readMono(run.files.x!);
  const got = decodeRun(x, KEPT_LEAD, expected.length + 2, VOICES.af_tiny);
  assert.equal(got.row, expected.length, 'style row = number of phonemes (pads not counted)');
  assert.deepEqual(got.ids, [0, ...expected, 0]);
  assert.equal(x.length, KEPT_LEAD + (expected.length + 2) * HOP, '100 ms of silence cut to 10 ms; one stretch per id');
  // What the ids spell, to see the symbols are Kokoro's: one letter for "aɪ", "dʒ", "ɔɪ".
  const spelled = expected.map((id) => [...vocab].find(([, v]) => v === id)![0]).join('');
  assert.match(spelled, /^I lˈIk mI ʤˈY, ðə bˈʌtᵊn\. /);
});

test('speed: an overflowing unit is read again faster (speed x rate); the speed option slows or hastens every unit', async () => {
  const text = 'The quick brown fox jumps over the lazy dog. It sleeps.';
  const natural = await synthesize(translation([{ id: 'n', start: 0, end: 60_000, target: text }]));
  const { x: nx } = await readMono(natural.files.n!);
  const slot = Math.round(natural.data.segments[0]!.durationMs * 0.9);
  const tight = await synthesize(translation([{ id: 't', start: 0, end: slot, target: text }, { id: 'next', start: slot, end: slot + 9000, target: 'Yes.' }]));
  const t = tight.data.segments[0]!;
  assert.ok(t.rate > 1.1 && t.rate <= 1.25, `rate ${t.rate}`);
  assert.ok(t.durationMs <= slot, `${t.durationMs} ms in a ${slot} ms slot`);
  const { x: tx } = await readMono(tight.files.t!);
  assert.ok(Math.abs((tx.length - KEPT_LEAD) - (nx.length - KEPT_LEAD) / t.rate) <= 1, `${tx.length} samples at ${t.rate}x vs ${nx.length}`);
  const slow = await synthesize(translation([{ id: 's', start: 0, end: 60_000, target: text }]), { speed: 0.8 });
  const { x: sx } = await readMono(slow.files.s!);
  assert.equal(sx.length - KEPT_LEAD, (nx.length - KEPT_LEAD) / 0.8);
});

test('a unit longer than 510 phonemes is read in runs, whole sentences each, each with its own style row', async () => {
  const sentence = 'The quick brown fox jumps over the lazy dog, and then it runs away.';
  const text = Array.from({ length: 9 }, () => sentence).join(' ');
  const runs = expectedRuns(text, 'en-us');
  assert.ok(runs.length >= 2 && runs.every((r) => r.length <= 510), `${runs.map((r) => r.length)}`);
  const run = await synthesize(translation([{ id: 'x', start: 0, end: 120_000, target: text }]));
  const { x } = await readMono(run.files.x!);
  let at = KEPT_LEAD;
  for (const ids of runs) {
    const got = decodeRun(x, at, ids.length + 2, VOICES.af_tiny);
    assert.equal(got.row, Math.min(ids.length, 509), 'row n; 510 phonemes take the last row, 509');
    assert.deepEqual(got.ids, [0, ...ids, 0]);
    at += (ids.length + 2) * HOP + TINY_LEAD; // the next run's own leading silence stays: it is inside the clip
  }
  assert.equal(x.length, at - TINY_LEAD);
});

test('a voice per speaker by gender, alternating; the region picks British voices; a mapped main voice; hints', async () => {
  const t = (lang: string) => translation([
    { id: 'u', start: 0, end: 3000, target: 'Hello.' },
    { id: 'a', start: 3000, end: 6000, target: 'Good morning.', speaker: 'Ann' },
    { id: 'b', start: 6000, end: 9000, target: 'Good night.', speaker: 'Bob' },
    { id: 'c', start: 9000, end: 12_000, target: 'Bye.', speaker: 'Cat' },
  ], lang);
  const pitch = async (run: Awaited<ReturnType<typeof synthesize>>) => Object.fromEntries(await Promise.all(run.data.segments.map(async (s) => {
    const { x, rate } = await readMono(run.files[s.id]!);
    return [s.id, `${s.voice} ${Math.round(toneHz(x.subarray(KEPT_LEAD), rate) / 50) * 50}`] as const;
  })));
  // en: settings order af, bf, am: Ann af (first), Bob am (the other gender), Cat bf.
  assert.deepEqual(await pitch(await synthesize(t('en'))), { u: 'af_tiny 500', a: 'af_tiny 500', b: 'am_tiny 250', c: 'bf_tiny 400' });
  // en-GB: the British voice first (and it speaks unlabelled lines).
  assert.deepEqual(await pitch(await synthesize(t('en-GB'))), { u: 'bf_tiny 400', a: 'bf_tiny 400', b: 'am_tiny 250', c: 'af_tiny 500' });
  // A main voice for English, and hints: Ann is male, Cat old (am_tiny is known to be old).
  const hinted = await synthesize(t('en'), { voices: { en: 'bf_tiny' }, speakers: { Ann: { gender: 'male' }, Cat: { age: 'old' } } });
  assert.deepEqual(await pitch(hinted), { u: 'bf_tiny 400', a: 'am_tiny 250', b: 'bf_tiny 400', c: 'am_tiny 250' });
  // Spanish voices for Spanish.
  assert.deepEqual(await pitch(await synthesize(t('es'))), { u: 'ef_tiny 200', a: 'ef_tiny 200', b: 'em_tiny 600', c: 'ef_tiny 200' });
});

test('languages: Japanese voices are not offered (their phonemes are not espeak-ng\'s); a wrong main voice says which exist', async () => {
  const one = translation([{ id: 'x', start: 0, end: 5000, target: 'Hola.' }], 'ja');
  await assert.rejects(synthesize(one), (e: unknown) => e instanceof DubarrError && e.code === 'E_LANGUAGE_UNSUPPORTED' && /speak en, es/.test(e.message));
  await assert.rejects(synthesize(translation([{ id: 'x', start: 0, end: 5000, target: 'Hola.' }], 'es'), { voices: { es: 'af_tiny' } }),
    (e: unknown) => e instanceof DubarrError && e.code === 'E_INVALID_ARGUMENT' && /pick one of ef_tiny, em_tiny/.test(e.message));
  const a = await plugin.available!(plugin.options.parse({}));
  assert.deepEqual(a, { ok: true, languages: { output: ['en', 'es'] } });
});

test('a model folder with no settings: its one .onnx and voices/*.bin, language and gender from the voice names', async () => {
  const run = await synthesize(translation([
    { id: 'a', start: 0, end: 3000, target: 'Hi.', speaker: 'A' },
    { id: 'b', start: 3000, end: 6000, target: 'Hi.', speaker: 'B' },
  ]), { model: 'kokoro-plain' });
  assert.deepEqual(run.data.segments.map((s) => s.voice), ['af_tiny', 'am_tiny'], 'voices in the order of the entry\'s files: af, am, bf');
});

test('no model: unavailable with the pull command; the stage says E_MODEL_MISSING; the engine names the model and espeak-ng', async () => {
  const none = await plugin.available!(plugin.options.parse({ model: 'kokoro-nope' }));
  assert.equal(none.ok, false);
  assert.match(none.reason!, /dubarr models pull kokoro-82m/);
  await assert.rejects(synthesize(roomy, { model: 'kokoro-nope' }), (e: unknown) => e instanceof DubarrError && e.code === 'E_MODEL_MISSING');
  const engine = await plugin.engine!(plugin.options.parse({}), { targetLanguage: 'en' });
  assert.deepEqual(Object.keys(engine).sort(), ['binary', 'data', 'espeak', 'model']);
});
