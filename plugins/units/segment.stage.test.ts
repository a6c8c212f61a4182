import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contractSuite } from '../sdk/contract.js';
import { DubarrError, Transcript, type StageInput } from '../sdk/index.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import plugin from './index.js';

const transcript: Transcript = {
  language: 'es',
  source: { kind: 'subtitles', provider: 'subtitles', detail: 'sidecar Movie.es.srt' },
  segments: [
    { id: 's0001', start: 1000, end: 2200, text: 'Iba a decirte', speaker: 'Ana' },
    { id: 's0002', start: 2300, end: 3500, text: 'que mañana no puedo.', speaker: 'Ana' },
    { id: 's0003', start: 4000, end: 14000, text: '¿Y por qué no me lo dijiste antes? ¡Te estuve esperando toda la tarde en la plaza!', speaker: 'Luis' },
  ],
};

contractSuite({
  plugin,
  stage: 'units:segment',
  invalidOptions: { minMs: 9000, maxMs: 8000 },
  validInput: async () => ({ options: {}, params: {}, inputs: { transcript: outputOf({}, transcript) } }),
  corruptInput: async () => ({ options: {}, params: {}, inputs: { transcript: outputOf({}, { language: 'es', segments: [{ start: -5, text: 3 }] }) } }),
  corruptCode: 'E_INVALID_ARGUMENT',
  // Two hours of transcript.
  longInput: async () => ({ options: {}, params: {}, inputs: { transcript: outputOf({}, {
    ...transcript,
    segments: Array.from({ length: 3000 }, (_, i) => ({ id: `s${i}`, start: i * 2400, end: i * 2400 + 2000, text: `${transcript.segments[i % 3]!.text}` })),
  }) } }),
  check(run) {
    // 'segment' outputs a Transcript whose segments are the units.
    const t = Transcript.parse(run.result.data);
    assert.deepEqual(t.segments.map((s) => [s.id, s.speaker, s.text]), [
      ['u0001', 'Ana', 'Iba a decirte que mañana no puedo.'],
      ['u0002', 'Luis', '¿Y por qué no me lo dijiste antes?'],
      ['u0003', 'Luis', '¡Te estuve esperando toda la tarde en la plaza!'],
    ]);
    const [a, b, c] = t.segments;
    assert.deepEqual([a!.start, a!.end, b!.start, c!.end], [1000, 3500, 4000, 14000]);
    assert.ok(b!.end === c!.start && b!.end > 7000 && b!.end < 9000, `cut at ${b!.end}`);
    assert.deepEqual([t.language, t.source], [transcript.language, transcript.source]);
  },
});

test('units:segment: missing inputs and bad VAD are E_INVALID_ARGUMENT, a cancelled job E_CANCELLED', async () => {
  const def = findStage(plugin, 'units:segment');
  const bad: Array<Partial<StageInput> & { options: unknown }> = [
    { options: {}, inputs: {} },
    { options: {}, inputs: { transcript: outputOf({}, transcript), vad: outputOf({}, { segments: [{ start: 'x' }] }) } },
    { options: { maxGapMs: -1 }, inputs: { transcript: outputOf({}, transcript) } },
  ];
  for (const input of bad) {
    await assert.rejects(runStageForTest(def, input), (e: unknown) => e instanceof DubarrError && e.code === 'E_INVALID_ARGUMENT');
  }
  const withVad = await runStageForTest<Transcript>(def, {
    options: {}, inputs: { transcript: outputOf({}, transcript), vad: outputOf({}, { durationMs: 15000, segments: [{ start: 4000, end: 7400 }, { start: 8100, end: 14000 }] }) },
  });
  assert.deepEqual(withVad.result.data!.segments.slice(1).map((s) => [s.start, s.end]), [[4000, 7400], [8100, 14000]]);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(runStageForTest(def, { options: {}, inputs: { transcript: outputOf({}, transcript) } }, { signal: ac.signal }),
    (e: unknown) => e instanceof DubarrError && e.code === 'E_CANCELLED');
});

test('units:segment: a transcript with no speech fails with E_NO_SPEECH instead of an empty dub', async () => {
  const empty: Transcript = { language: 'en', source: { kind: 'asr', provider: 'pocketsphinx' }, segments: [] };
  await assert.rejects(runStageForTest(findStage(plugin, 'segment'), { options: {}, inputs: { transcript: outputOf({}, empty) } }), (e: unknown) => {
    assert.ok(e instanceof DubarrError && e.code === 'E_NO_SPEECH');
    assert.match(e.message, /source is untouched/);
    return true;
  });
});

test('units:segment: the units carry the job\'s source language; an unknown label ("und") is dropped, never passed on', async () => {
  const def = findStage(plugin, 'segment');
  const run = async (language: string | undefined, params: Record<string, unknown>) =>
    (await runStageForTest<Transcript>(def, { options: {}, params, inputs: { transcript: outputOf({}, { ...transcript, language }) } })).result.data!;
  assert.equal((await run(undefined, { sourceLanguage: 'es' })).language, 'es');
  assert.equal((await run('de', { sourceLanguage: 'spa' })).language, 'es', 'the decided language wins over a wrong label');
  assert.equal((await run('es', {})).language, 'es');
  assert.equal('language' in (await run('und', {})), false);
  assert.equal('language' in (await run('und', { sourceLanguage: 'und' })), false);
});
