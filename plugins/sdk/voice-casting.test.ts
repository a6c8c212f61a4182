import { test } from 'node:test';
import assert from 'node:assert/strict';
import { castVoices, type CastableVoice, type SpeakerHint } from './voice-casting.js';

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

test('one voice: everyone gets it; no voice is a programming error', () => {
  assert.deepEqual(cast(['A', 'B'], {}, [{ id: 'only' }]), { A: 'only', B: 'only' });
  assert.throws(() => castVoices(['A'], []));
});
