import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wordErrorRate, wordErrors } from './word-error-rate.js';

test('word error rate on constructed cases: punctuation, case, accents, apostrophes, CJK', () => {
  assert.equal(wordErrorRate('El puente nuevo es de piedra.', 'el puente nuevo es de piedra'), 0);
  assert.equal(wordErrorRate('¿Qué pasó, José?', 'que paso jose'), 1); // accents are letters, not decoration
  assert.equal(wordErrorRate('¿Qué pasó, José?', 'QUE\u0301 PASO\u0301 JOSE\u0301'), 0);
  assert.equal(wordErrorRate('I don’t know', "i don't know"), 0);
  assert.equal(wordErrorRate('the new bridge', 'the old bridge over'), 2 / 3);
  assert.equal(wordErrorRate('我们去北京', '我们去南京'), 1 / 5);
  assert.equal(wordErrorRate('', ''), 0);
  assert.equal(wordErrorRate('', 'noise'), 1);
  assert.deepEqual(wordErrors('a b c d', 'a x c'), { errors: 2, referenceWords: 4 });
});
