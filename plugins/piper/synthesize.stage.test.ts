import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMono, stretchAmplitudes, toneHz } from '../../test/fixtures/tiny-voice-checks.js';
import { contractSuite } from '../sdk/contract.js';
import { DubarrError, SynthesizedSegments, type StageParams, type Translation } from '../sdk/index.js';
import { setModelsDir } from '../sdk/models.js';
import { onnxSessionsCreated } from '../sdk/onnx-session.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import { readWavInfo } from '../sdk/wav.js';
import plugin from './index.js';
import { installTinyVoice, TINY_HOP as HOP, TINY_RATE as RATE } from './tiny-voices.testkit.js';

const def = findStage(plugin, 'piper:synthesize');

const root = await mkdtemp(join(tmpdir(), 'dubarr-piper-models-'));
setModelsDir(root);
const workDirs: string[] = [];
after(() => Promise.all([root, ...workDirs].map((d) => rm(d, { recursive: true, force: true }))));

// English: one speaker (500 Hz). Spanish: a two-speaker voice (M 500 Hz, F 250 Hz) and a
// one-speaker low-quality voice (1000 Hz); a Catalan voice lacking the phoneme ɐ.
await installTinyVoice(root, { id: 'piper-en-us-tiny-medium', locale: 'en_US', name: 'tiny', espeak: 'en-us', entry: { voice: { gender: 'female', quality: 'medium' } } });
await installTinyVoice(root, {
  id: 'piper-es-es-duo-medium', locale: 'es_ES', name: 'duo', espeak: 'es', speakers: ['M', 'F'],
  entry: { voice: { quality: 'medium', speakers: [{ id: 0, name: 'M', gender: 'male' }, { id: 1, name: 'F', gender: 'female' }] } },
});
await installTinyVoice(root, { id: 'piper-es-es-solo-low', locale: 'es_ES', name: 'solo', quality: 'low', espeak: 'es', periods: [16], entry: { voice: { gender: 'male', quality: 'low' } } });
await installTinyVoice(root, { id: 'piper-ca-es-nocentral-medium', locale: 'ca_ES', name: 'nocentral', espeak: 'ca', drop: 'ɐ' });
// Portuguese: a medium European voice (500 Hz) and a low Brazilian one (1000 Hz).
await installTinyVoice(root, { id: 'piper-pt-pt-lisboa-medium', locale: 'pt_PT', name: 'lisboa', espeak: 'pt', entry: { voice: { quality: 'medium' } } });
await installTinyVoice(root, { id: 'piper-pt-br-rio-low', locale: 'pt_BR', name: 'rio', quality: 'low', espeak: 'pt-br', periods: [16], entry: { voice: { quality: 'low' } } });

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

/** Piper's ids for a text, worked out here from espeak-ng's own output and the tiny map. */
function expectedIds(clauses: Array<[text: string, punctuation: string]>, voice: string, idOf: (p: string) => number): number[] {
  const phonemes = clauses.flatMap(([text, punct]) => [
    ...Array.from(execFileSync('espeak-ng', ['-q', '--ipa', '-v', voice, text], { encoding: 'utf8' }).trim().normalize('NFD')),
    ...punct,
  ]);
  return [idOf('^'), idOf('_'), ...phonemes.flatMap((p) => [idOf(p), idOf('_')]), idOf('$')];
}

/** The tiny map's ids, as piper_tiny.py lays them out. */
async function tinyIdOf(modelDir: string, configPath: string): Promise<(p: string) => number> {
  const { readFile } = await import('node:fs/promises');
  const map = JSON.parse(await readFile(join(modelDir, configPath), 'utf8')).phoneme_id_map as Record<string, number[]>;
  return (p) => {
    assert.ok(map[p], `the tiny map has no id for '${p}'`);
    return map[p]![0]!;
  };
}

/** The ids a clip's first sentence carried: amplitudes relative to BOS ('^' = id 1, amplitude 17/256). */
function decodeIds(x: Float32Array, start: number, count: number, period: number): number[] {
  const amps = stretchAmplitudes(x, start, HOP, count, period);
  const gain = amps[0]! / (17 / 256);
  return amps.map((a) => Math.round((a / gain) * 256 - 16));
}

const roomy = translation([
  { id: 'a', start: 0, end: 6000, target: 'Hello there, how are you?' },
  { id: 'empty', start: 6000, end: 7000, target: '  ' },
  { id: 'b', start: 8000, end: 14000, target: 'Fine, thanks.' },
]);

contractSuite({
  plugin,
  stage: 'piper:synthesize',
  invalidOptions: { maxRate: 5 },
  unavailableOptions: { model: '/nonexistent/piper-voice', useInstalled: false },
  validInput: async () => inputOf(roomy),
  corruptInput: async () => ({ options: {}, params: { targetLanguage: 'en' }, inputs: { translation: outputOf({}, { segments: [{ id: 1 }] }) } }),
  corruptCode: 'E_INVALID_ARGUMENT',
  longInput: async () => inputOf(translation(Array.from({ length: 200 }, (_, i) => ({
    id: `l${i}`, start: i * 10_000, end: i * 10_000 + 9000, target: 'The quick brown fox jumps over the lazy dog. It sleeps.',
  })))),
  async check(run) {
    const data = SynthesizedSegments.parse(run.result.data);
    assert.equal(data.provider, 'piper');
    assert.equal(data.language, 'en');
    assert.deepEqual(data.segments.map((s) => [s.id, s.file, s.start, s.end, s.rate, s.voice]), [
      ['a', 'a', 0, 6000, 1, 'piper-en-us-tiny-medium'], ['b', 'b', 8000, 14000, 1, 'piper-en-us-tiny-medium'],
    ]);
    assert.deepEqual(Object.keys(run.result.files ?? {}).sort(), ['a', 'b'], 'the empty unit gets no file');
    for (const s of data.segments) {
      const info = await readWavInfo(run.result.files![s.file]!);
      assert.deepEqual([info.sampleRate, info.channels, info.format], [RATE, 1, 's16']);
      assert.equal(info.durationMs, s.durationMs);
    }
    assert.deepEqual(run.progress.at(-1)?.fraction, 1);
  },
});

test('the model gets Piper\'s ids: espeak-ng phonemes, punctuation per clause, BOS/PAD/EOS; a sentence per run with silence between', async () => {
  const run = await synthesize(translation([{ id: 'x', start: 0, end: 30_000, target: 'Hello there, how are you? Fine.' }]));
  const idOf = await tinyIdOf(join(root, 'piper-en-us-tiny-medium'), 'en/en_US/tiny/medium/en_US-tiny-medium.onnx.json');
  const first = expectedIds([['Hello there', ', '], ['how are you', '?']], 'en-us', idOf);
  const second = expectedIds([['Fine', '.']], 'en-us', idOf);
  const { x } = await readMono(run.files.x!);
  assert.deepEqual(decodeIds(x, 0, first.length, 32), first);
  const silence = (200 * RATE) / 1000;
  const secondStart = first.length * HOP + silence;
  assert.deepEqual(decodeIds(x, secondStart, second.length, 32), second);
  assert.equal(x.length, secondStart + second.length * HOP, 'every id is 64 samples at length_scale 1; nothing trimmed');
  assert.ok(x.subarray(first.length * HOP, secondStart).every((v) => v === 0), '200 ms of silence between the sentences');
  assert.equal(Math.max(...x.map(Math.abs)).toFixed(3), (10 ** (-1 / 20)).toFixed(3), 'peak at -1 dBFS');
});

test('length_scale: an overflowing unit is read again faster (length_scale / rate), silence too; lengthScale slows a voice', async () => {
  const text = 'The quick brown fox jumps over the lazy dog. It sleeps.';
  const natural = await synthesize(translation([{ id: 'n', start: 0, end: 60_000, target: text }]));
  const { x: nx } = await readMono(natural.files.n!);
  const slot = Math.round(natural.data.segments[0]!.durationMs * 0.9);
  const tight = await synthesize(translation([{ id: 't', start: 0, end: slot, target: text }, { id: 'next', start: slot, end: slot + 9000, target: 'Yes.' }]));
  const t = tight.data.segments[0]!;
  assert.ok(t.rate > 1.1 && t.rate <= 1.25, `rate ${t.rate}`);
  assert.ok(t.durationMs <= slot, `${t.durationMs} ms in a ${slot} ms slot`);
  const { x: tx } = await readMono(tight.files.t!);
  // Both sentences' samples and the silence between them shrink by the rate (each floored).
  assert.ok(Math.abs(tx.length - nx.length / t.rate) <= 3, `${tx.length} samples at ${t.rate}x vs ${nx.length} at 1x`);
  assert.equal(tight.data.segments[1]!.rate, 1);

  const slow = await synthesize(translation([{ id: 's', start: 0, end: 60_000, target: text }]), { lengthScale: 1.5 });
  const { x: sx } = await readMono(slow.files.s!);
  const silence = (200 * RATE) / 1000;
  assert.ok(Math.abs((sx.length - silence) - (nx.length - silence) * 1.5) <= 2, `${sx.length} vs ${nx.length} samples`);
});

test('a voice per speaker: multi-speaker sid and other installed voices, genders alternating; hints pick by gender', async () => {
  const t = translation([
    { id: 'u1', start: 0, end: 3000, target: 'Hola.' },
    { id: 'a1', start: 3000, end: 6000, target: 'Buenos días.', speaker: 'Ana' },
    { id: 'b1', start: 6000, end: 9000, target: 'Buenas noches.', speaker: 'Luis' },
    { id: 'c1', start: 9000, end: 12_000, target: 'Adiós.', speaker: 'Pere' },
    { id: 'a2', start: 12_000, end: 15_000, target: 'Hasta luego.', speaker: 'Ana' },
  ], 'es');
  const pitch = async (run: Awaited<ReturnType<typeof synthesize>>) => Object.fromEntries(await Promise.all(run.data.segments.map(async (s) => {
    const { x, rate } = await readMono(run.files[s.id]!);
    return [s.id, `${s.voice} ${Math.round(toneHz(x, rate) / 50) * 50}`] as const;
  })));
  const cast = await synthesize(t);
  assert.deepEqual(await pitch(cast), {
    u1: 'piper-es-es-duo-medium#M 500', a1: 'piper-es-es-duo-medium#M 500', b1: 'piper-es-es-duo-medium#F 250',
    c1: 'piper-es-es-solo-low 1000', a2: 'piper-es-es-duo-medium#M 500',
  });
  assert.ok(cast.logs.some((l) => l.msg === 'a voice per speaker'));

  const hinted = await synthesize(t, { speakers: { Luis: { gender: 'male' }, Pere: { voice: 'piper-es-es-duo-medium#F' }, Ana: { voice: 'piper-xx-nope' } } });
  assert.deepEqual(hinted.logs.find((l) => l.level === 'warn')?.obj, {
    speakers: { Ana: 'piper-xx-nope' }, voices: ['piper-es-es-duo-medium#M', 'piper-es-es-duo-medium#F', 'piper-es-es-solo-low'],
  }, 'a chosen voice that is not offered is named in the log; Ana is cast as before');
  assert.deepEqual(await pitch(hinted), {
    u1: 'piper-es-es-duo-medium#M 500', a1: 'piper-es-es-duo-medium#M 500', b1: 'piper-es-es-solo-low 1000',
    c1: 'piper-es-es-duo-medium#F 250', a2: 'piper-es-es-duo-medium#M 500',
  });
  // Diarized series speakers keep their voice whoever speaks first in an episode.
  const episode = (order: string[]) => translation(order.map((speaker, i) => ({ id: `e${i}`, start: i * 3000, end: i * 3000 + 2500, target: 'Sí.', speaker })), 'es');
  const voicesOf = async (order: string[]) => Object.fromEntries((await synthesize(episode(order))).data.segments.map((s, i) => [order[i], s.voice]));
  assert.deepEqual(await voicesOf(['S1', 'S2']), { S1: 'piper-es-es-duo-medium#M', S2: 'piper-es-es-duo-medium#F' });
  assert.deepEqual(await voicesOf(['S2', 'Eva', 'S1']), { S2: 'piper-es-es-duo-medium#F', Eva: 'piper-es-es-solo-low', S1: 'piper-es-es-duo-medium#M' });
  // The main voice per language comes from `voices`; useInstalled false keeps to the named ones.
  const only = await synthesize(t, { voices: { es: 'piper-es-es-solo-low' }, useInstalled: false });
  assert.deepEqual(new Set(only.data.segments.map((s) => s.voice)), new Set(['piper-es-es-solo-low']));
});

test('the main voice: the wanted region before quality (pt-BR), else the best quality (pt)', async () => {
  const one = (lang: string) => translation([{ id: 'x', start: 0, end: 5000, target: 'Olá.' }], lang);
  const [br, pt] = [await synthesize(one('pt-BR')), await synthesize(one('pt'))];
  assert.equal(br.data.segments[0]!.voice, 'piper-pt-br-rio-low');
  assert.equal(pt.data.segments[0]!.voice, 'piper-pt-pt-lisboa-medium');
  assert.equal(br.data.language, 'pt');
});

test('phonemes the voice has no id for are left out and reported', async () => {
  const run = await synthesize(translation([{ id: 'x', start: 0, end: 10_000, target: 'Hola, què tal?' }], 'ca'));
  const warn = run.logs.find((l) => l.msg === 'phonemes the voice has no id for were left out');
  assert.ok(warn, 'a warning names them');
  const ipa = execFileSync('espeak-ng', ['-q', '--ipa', '-v', 'ca', 'Hola, què tal'], { encoding: 'utf8' }).normalize('NFD');
  const schwas = [...ipa].filter((p) => p === 'ɐ').length;
  assert.ok(schwas > 0, 'espeak-ng does say ɐ here');
  assert.deepEqual(warn.obj, { phonemes: { 'ɐ': schwas } });
});

test('sessions are made once per voice per thread; a language with no voice is E_MODEL_MISSING', async () => {
  const t = translation([{ id: 'x', start: 0, end: 5000, target: 'Hello.' }]);
  await synthesize(t);
  const before = onnxSessionsCreated();
  await synthesize(t);
  assert.equal(onnxSessionsCreated(), before);
  await assert.rejects(synthesize(translation([{ id: 'x', start: 0, end: 5000, target: 'Hallo.' }], 'de')), (e: unknown) => {
    assert.ok(e instanceof DubarrError && e.code === 'E_MODEL_MISSING', String(e));
    assert.match(e.message, /no installed piper voice speaks 'de'/);
    return true;
  });
});

test('a voice config that is not Piper\'s fails with what is wrong', async () => {
  const dir = await installTinyVoice(root, { id: 'piper-en-gb-broken-medium', locale: 'en_GB', name: 'broken', espeak: 'en-gb' });
  await writeFile(join(dir, 'en/en_GB/broken/medium/en_GB-broken-medium.onnx.json'), JSON.stringify({ audio: { sample_rate: 16000 }, phoneme_id_map: { a: [1] } }));
  try {
    await assert.rejects(synthesize(translation([{ id: 'x', start: 0, end: 5000, target: 'Hi.' }]), { voices: { en: 'piper-en-gb-broken-medium' } }),
      (e: unknown) => e instanceof DubarrError && e.code === 'E_PROVIDER_UNAVAILABLE' && /phoneme_id_map has no '_'/.test(e.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('available: the languages of the installed voices; none installed says what to pull; the engine names voices and espeak-ng', async () => {
  const a = await plugin.available!(plugin.options.parse({}));
  assert.deepEqual(a, { ok: true, languages: { output: ['ca', 'en', 'es', 'pt'] } });
  const none = await plugin.available!(plugin.options.parse({ model: '/nonexistent/voice', useInstalled: false }));
  assert.equal(none.ok, false);
  assert.match(none.reason!, /no piper voice is installed: dubarr models pull /);
  const noEspeak = await plugin.available!(plugin.options.parse({ binary: '/nonexistent/espeak-ng' }));
  assert.match(noEspeak.reason!, /apt-get install espeak-ng/);
  const engine = await plugin.engine!(plugin.options.parse({}), { targetLanguage: 'es' });
  assert.deepEqual(Object.keys(engine).filter((k) => k.startsWith('model:')).sort(), ['model:piper-es-es-duo-medium', 'model:piper-es-es-solo-low']);
  // A voice mapped to the language counts whatever its catalogue languages say.
  const mapped = await plugin.engine!(plugin.options.parse({ voices: { es: 'piper-ca-es-nocentral-medium' } }), { targetLanguage: 'es' });
  assert.ok('model:piper-ca-es-nocentral-medium' in mapped);
  assert.match(engine.espeak!, /^\d+\.\d+/);
});
