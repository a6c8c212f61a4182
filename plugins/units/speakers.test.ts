import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diarization } from '../sdk/index.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import type { Transcript } from '../sdk/index.js';
import plugin from './index.js';
import { labelSpeakers } from './speakers.js';

const diarization = (segments: Diarization['segments']): Diarization => ({
  durationMs: 60_000, embedder: 'test@0', segments,
  speakers: [...new Set(segments.map((s) => s.speaker))].map((id) => ({ id, speechMs: 1 })),
});

const piece = (start: number, end: number, text: string, speaker?: string) => ({ start, end, text, ...(speaker ? { speaker } : {}) });

test('each segment gets the diarized speaker heard longest in it; one heard in nobody keeps its label', () => {
  const d = diarization([
    { start: 0, end: 4000, speaker: 'S1' },
    { start: 3500, end: 9000, speaker: 'S2' }, // overlaps S1's end
    { start: 20_000, end: 21_000, speaker: 'S1' },
    { start: 20_500, end: 21_500, speaker: 'S2' }, // a tie inside 20.5-21 s
  ]);
  const labelled = labelSpeakers([
    piece(100, 3000, 'one'),
    piece(3000, 5000, 'two', 'Ana'),
    piece(12_000, 14_000, 'three', 'Ana'),
    piece(20_500, 21_000, 'four'),
  ], d);
  assert.deepEqual(labelled.map((p) => p.speaker), ['S1', 'S2', 'Ana', 'S1']);
  assert.deepEqual(labelSpeakers([piece(0, 10, 'x', 'Ana')], undefined).map((p) => p.speaker), ['Ana']);
});

test('units:segment with a diarization: speakers on the units, and two speakers\' lines never merged into one unit', async () => {
  const transcript: Transcript = {
    language: 'en', source: { kind: 'asr', provider: 'test' },
    segments: [
      { id: 'a', start: 1000, end: 1600, text: 'Hi' },
      { id: 'b', start: 1800, end: 2600, text: 'hello there' },
      { id: 'c', start: 2700, end: 3300, text: 'you too' },
    ],
  };
  const def = findStage(plugin, 'units:segment');
  const run = (extra: object) => runStageForTest<Transcript>(def, { options: {}, params: {}, inputs: { transcript: outputOf({}, transcript), ...extra } });
  const without = (await run({})).result.data!.segments;
  assert.equal(without.length, 1, 'short lines of one (unknown) speaker are one unit');
  const d = diarization([{ start: 900, end: 1700, speaker: 'S2' }, { start: 1750, end: 3400, speaker: 'S1' }]);
  const units = (await run({ diarization: outputOf({}, d) })).result.data!.segments;
  assert.deepEqual(units.map((u) => [u.text, u.speaker]), [['Hi', 'S2'], ['hello there you too', 'S1']]);
  // A skipped diarize step leaves a null document: units as without one.
  assert.deepEqual((await run({ diarization: outputOf({}, null) })).result.data!.segments, without);
  await assert.rejects(run({ diarization: outputOf({}, { segments: 'x' }) }), (e: Error & { code?: string }) => e.code === 'E_INVALID_ARGUMENT');
});
