import { test } from 'node:test';
import assert from 'node:assert/strict';
import { castingOrder, castVoices, seriesSpeakerNumber, type CastableVoice, type SpeakerHint } from './voice-casting.js';

const voices: CastableVoice[] = [
  { id: 'F1', gender: 'female', age: 'adult' },
  { id: 'M1', gender: 'male', age: 'adult' },
  { id: 'F2', gender: 'female', age: 'young' },
  { id: 'M2', gender: 'male', age: 'old' },
  { id: 'K', gender: 'female', age: 'child' },
  { id: 'U' },
];
const cast = (speakers: string[], hints: Record<string, SpeakerHint> = {}, vs = voices) =>
  Object.fromEntries(castVoices(speakers, vs, new Map(Object.entries(hints))));

test('speakers nothing is known about: distinct voices in order of appearance, genders alternating, no child', () => {
  assert.deepEqual(cast(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'A']), { A: 'F1', B: 'M1', C: 'F2', D: 'M2', E: 'U', F: 'F1', G: 'M1' });
  // Two male voices offered first: the second speaker still gets the other gender.
  const maleFirst = [voices[1]!, voices[3]!, voices[0]!];
  assert.deepEqual(cast(['A', 'B', 'C'], {}, maleFirst), { A: 'M1', B: 'F1', C: 'M2' });
});

test('hints: gender and age pick fitting voices, a known fit before an unknown one; a chosen voice wins', () => {
  assert.deepEqual(cast(['A', 'B', 'C'], { A: { gender: 'male' }, B: { gender: 'male' }, C: { gender: 'male' } }), { A: 'M1', B: 'M2', C: 'M1' });
  assert.deepEqual(cast(['A', 'B'], { A: { gender: 'female', age: 'young' }, B: { age: 'child' } }), { A: 'F2', B: 'K' });
  assert.deepEqual(cast(['A'], { A: { gender: 'male', age: 'child' } }), { A: 'U' }, 'no male child voice: the one nothing is known about');
  assert.deepEqual(cast(['A', 'B'], { A: { voice: 'M2' }, B: { voice: 'nope' } }), { A: 'M2', B: 'F1' }, 'an unknown voice is ignored');
  // Hinted speakers and unhinted ones mix: the unhinted take what is least used.
  assert.deepEqual(cast(['A', 'B', 'C'], { A: { gender: 'male' } }), { A: 'M1', B: 'F1', C: 'M2' });
});

test('series speakers S<n> keep voice n of a fixed order (genders alternating) in every episode, whoever speaks first', () => {
  assert.deepEqual(castingOrder(voices).map((v) => v.id), ['F1', 'M1', 'F2', 'M2', 'U', 'K']);
  const episode1 = cast(['S1', 'S2', 'Ana', 'S3']);
  const episode2 = cast(['S3', 'Bob', 'S2', 'S1', 'S7']);
  assert.deepEqual(episode1, { S1: 'F1', S2: 'M1', Ana: 'M2', S3: 'F2' });
  assert.deepEqual(episode2, { S3: 'F2', Bob: 'M2', S2: 'M1', S1: 'F1', S7: 'M1' }, 'S7: 7 - 1 = 6, cycled over 5 voices');
  // A hint narrows a series speaker's voices; its voice is still n of those, in every episode.
  assert.deepEqual(cast(['S2', 'S1'], { S2: { gender: 'male' } }), { S2: 'M2', S1: 'F1' });
  assert.equal(seriesSpeakerNumber('S12'), 12);
  assert.equal(seriesSpeakerNumber('S0'), undefined);
  assert.equal(seriesSpeakerNumber('Sam'), undefined);
});

test('one voice: everyone gets it; no voice is a programming error', () => {
  assert.deepEqual(cast(['A', 'B'], {}, [{ id: 'only' }]), { A: 'only', B: 'only' });
  assert.throws(() => castVoices(['A'], []));
});
