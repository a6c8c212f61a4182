import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { contractSuite } from '../sdk/contract.js';
import { DubarrError, SynthesizedSegments, type StageParams, type Translation } from '../sdk/index.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import { readWavInfo } from '../sdk/wav.js';
import plugin from './index.js';

const def = findStage(plugin, 'espeak-ng:synthesize');
const SENTENCE = 'La casa es grande y el perro duerme en el jardín.';

function translation(segments: Array<{ id: string; start: number; end: number; target: string; speaker?: string }>): Translation {
  return {
    sourceLanguage: 'en', targetLanguage: 'es', provider: 'test',
    segments: segments.map((s) => ({ text: 'source', ...s })),
  };
}

const inputOf = (t: Translation, options: object = {}, params: StageParams = { targetLanguage: 'es' }) =>
  ({ options, params, inputs: { translation: outputOf({}, t) } });

async function synthesize(t: Translation, options: object = {}, params?: StageParams) {
  const run = await runStageForTest<SynthesizedSegments>(def, inputOf(t, options, params));
  return { ...run, data: SynthesizedSegments.parse(run.result.data), files: run.result.files ?? {} };
}

const roomy = translation([
  { id: 'a', start: 0, end: 6000, target: SENTENCE, speaker: 'Ana' },
  { id: 'empty', start: 6000, end: 7000, target: '  ' },
  { id: 'b', start: 8000, end: 14000, target: '¿Y tú?', speaker: 'Luis' },
  { id: 'c', start: 15000, end: 20000, target: 'Hola otra vez.', speaker: 'Ana' },
]);

contractSuite({
  plugin,
  stage: 'espeak-ng:synthesize',
  invalidOptions: { rate: 5 },
  unavailableOptions: { binary: '/nonexistent/espeak-ng' },
  validInput: async () => inputOf(roomy),
  corruptInput: async () => ({ options: {}, params: { targetLanguage: 'es' }, inputs: { translation: outputOf({}, { segments: [{ id: 1 }] }) } }),
  corruptCode: 'E_INVALID_ARGUMENT',
  longInput: async () => inputOf(translation(Array.from({ length: 300 }, (_, i) => ({
    id: `l${i}`, start: i * 10_000, end: i * 10_000 + 9000, target: `${SENTENCE} ${SENTENCE} ${SENTENCE}`,
  })))),
  async check(run) {
    const data = SynthesizedSegments.parse(run.result.data);
    assert.deepEqual(data.segments.map((s) => [s.id, s.file, s.start, s.end, s.rate, s.voice]), [
      ['a', 'a', 0, 6000, 1, 'es+m1'], ['b', 'b', 8000, 14000, 1, 'es+f2'], ['c', 'c', 15000, 20000, 1, 'es+m1'],
    ]);
    assert.deepEqual(Object.keys(run.result.files ?? {}).sort(), ['a', 'b', 'c'], 'the empty unit gets no file');
    assert.ok(run.logs.some((l) => l.level === 'warn' && JSON.stringify(l.obj).includes('empty')));
    for (const s of data.segments) {
      const info = await readWavInfo(run.result.files![s.file]!);
      assert.deepEqual([info.sampleRate, info.channels, info.format], [22050, 1, 's16']);
      assert.equal(info.durationMs, s.durationMs);
    }
    // ~12 syllables at 175 wpm: between 1.5 and 4 s once espeak-ng's trailing pause is cut.
    assert.ok(data.segments[0]!.durationMs > 1500 && data.segments[0]!.durationMs < 4000, `${data.segments[0]!.durationMs} ms`);
    assert.ok(data.segments[1]!.durationMs < data.segments[0]!.durationMs / 2);
    assert.deepEqual(run.progress.at(-1)?.fraction, 1);
  },
});

test('an overflowing unit is re-synthesized faster and fits; a hopeless one stops at maxRate', async () => {
  const natural = await synthesize(translation([{ id: 'x', start: 0, end: 20_000, target: SENTENCE }]));
  const d = natural.data.segments[0]!.durationMs;
  await rm(natural.workDir, { recursive: true, force: true });

  const slot = Math.round(d * 0.88);
  const tight = await synthesize(translation([
    { id: 'tight', start: 0, end: slot, target: SENTENCE },
    { id: 'next', start: slot, end: slot + 5000, target: 'Sí.' },
  ]));
  const t = tight.data.segments[0]!;
  assert.ok(t.rate > 1.1 && t.rate <= 1.25, `rate ${t.rate}`);
  assert.ok(t.durationMs <= slot, `${t.durationMs} ms in a ${slot} ms slot (natural ${d} ms)`);
  assert.equal((await readWavInfo(tight.files.tight!)).durationMs, t.durationMs);
  assert.equal(tight.data.segments[1]!.rate, 1);
  await rm(tight.workDir, { recursive: true, force: true });

  const hopeless = await synthesize(translation([{ id: 'h', start: 0, end: Math.round(d / 2), target: SENTENCE }]), { maxRate: 1.2 });
  const h = hopeless.data.segments[0]!;
  assert.equal(h.rate, 1.2);
  assert.ok(h.durationMs > d / 2 && h.durationMs < d, `${h.durationMs} ms: faster, still overflowing for the fit stage`);
  assert.deepEqual(await readdir(hopeless.workDir), [basename(hopeless.files.h!)], 'the discarded first take is removed');
  await rm(hopeless.workDir, { recursive: true, force: true });
});

test('rate and trimSilence options change the clip length as they should', async () => {
  const t = translation([{ id: 'x', start: 0, end: 20_000, target: SENTENCE }]);
  const base = await synthesize(t);
  const fast = await synthesize(t, { rate: 260 });
  const untrimmed = await synthesize(t, { trimSilence: false });
  const [b, f, u] = [base, fast, untrimmed].map((r) => r.data.segments[0]!.durationMs) as [number, number, number];
  assert.ok(f < b * 0.8, `260 wpm ${f} ms vs 175 wpm ${b} ms`);
  assert.ok(u - b > 150, `espeak-ng's trailing pause: untrimmed ${u} ms vs trimmed ${b} ms`);
  for (const r of [base, fast, untrimmed]) await rm(r.workDir, { recursive: true, force: true });
});

test('a language without a voice is E_LANGUAGE_UNSUPPORTED naming the installed ones', async () => {
  await assert.rejects(synthesize(roomy, {}, { targetLanguage: 'yo' }), (e: unknown) => {
    assert.ok(e instanceof DubarrError && e.code === 'E_LANGUAGE_UNSUPPORTED');
    assert.match(e.message, /\bes\b.*\bca\b|\bca\b.*\bes\b/);
    return true;
  });
  // An explicit voice mapping wins over the automatic choice.
  const mapped = await synthesize(translation([{ id: 'x', start: 0, end: 5000, target: 'Hola' }]), { voices: { es: 'es-419' } });
  assert.equal(mapped.data.segments[0]!.voice, 'es-419');
  await rm(mapped.workDir, { recursive: true, force: true });
});
