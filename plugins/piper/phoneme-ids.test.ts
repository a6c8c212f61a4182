import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitClauses } from '../sdk/speech-clauses.js';
import { phonemeIds, piperSentences } from './phoneme-ids.js';

test('sentences: clause IPA decomposed, punctuation after each clause, one list per sentence', () => {
  const clauses = splitClauses('Ça va, oui. Non? Bon… fin');
  assert.deepEqual(clauses.map((c) => c.end), [',', '.', '?', '…', '']);
  const ipa = ['sa va', 'wi', 'nɔ̃', 'bɔ̃', 'fɛ̃'];
  const sentences = piperSentences(clauses, ipa).map((s) => s.join('|'));
  assert.deepEqual(sentences, [
    's|a| |v|a|,| |w|i|.',
    'n|ɔ|\u0303|?',
    'b|ɔ|\u0303|;| |f|ɛ|\u0303',
  ]);
  // NFD: a precomposed letter becomes the letter and its combining mark.
  assert.deepEqual(piperSentences(splitClauses('x'), ['ç']), [['c', '\u0327']]);
  assert.deepEqual(piperSentences(splitClauses('x.'), ['']), [], 'nothing but a full stop: no sentence');
});

test('ids: BOS, a PAD after BOS and after every phoneme, EOS; phoneme_map applied; unknown phonemes left out and counted', () => {
  const config = {
    phoneme_id_map: { '_': [0], '^': [1], '$': [2], ' ': [3], a: [10], b: [11, 12], '.': [4] },
    phoneme_map: { c: ['a', 'b'] },
  };
  const { ids, missing } = phonemeIds(['a', ' ', 'b', 'x', 'c', '.', 'x'], config);
  assert.deepEqual(ids, [1, 0, 10, 0, 3, 0, 11, 12, 0, 10, 0, 11, 12, 0, 4, 0, 2]);
  assert.deepEqual([...missing], [['x', 2]]);
});
