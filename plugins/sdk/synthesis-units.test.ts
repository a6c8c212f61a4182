import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Translation } from './artifacts.js';
import { castUnits } from './synthesis-units.js';
import type { Logger } from './plugin.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const voices = [
  { id: 'man', gender: 'male' as const, age: 'adult' as const },
  { id: 'old-man', gender: 'male' as const, age: 'old' as const },
  { id: 'woman', gender: 'female' as const, age: 'adult' as const },
  { id: 'girl', gender: 'female' as const, age: 'child' as const },
];

const script: Translation = {
  sourceLanguage: 'en', targetLanguage: 'en', provider: 'film',
  segments: [
    { id: 'l1', start: 0, end: 1000, text: 'a', target: 'a', speaker: 'Tom' },
    { id: 'l2', start: 1000, end: 2000, text: 'b', target: 'b', speaker: 'Mara' },
    { id: 'l3', start: 2000, end: 3000, text: 'c', target: 'c', speaker: 'Pip' },
  ],
  speakers: { Tom: { gender: 'male', age: 'old' }, Mara: { gender: 'female' }, Pip: { gender: 'female', age: 'child' } },
};

test('castUnits casts by what the document says about its speakers (a script\'s characters: age and gender)', () => {
  const cast = castUnits(script, voices, new Map(), quiet);
  assert.deepEqual(cast.map((u) => [u.speaker, u.voice]), [['Tom', 'old-man'], ['Mara', 'woman'], ['Pip', 'girl']]);
});

test('castUnits: the provider\'s own speakers option wins over the document', () => {
  const cast = castUnits(script, voices, new Map([['Tom', { voice: 'man' }]]), quiet);
  assert.equal(cast[0]!.voice, 'man');
});
