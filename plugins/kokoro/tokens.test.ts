import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitClauses } from '../sdk/speech-clauses.js';
import { kokoroTokens } from './tokens.js';

// A vocabulary of single letters, the space and some punctuation.
const vocab = new Map([...' abcdefghij.,?…'].map((c, i) => [c, i]));
const text = (runs: number[][]) => runs.map((r) => r.map((id) => [...vocab].find(([, v]) => v === id)![0]).join(''));

test('clauses with their punctuation, a space between; unknown symbols left out and counted', () => {
  const clauses = splitClauses('x, y? z… w');
  const { runs, missing } = kokoroTokens(clauses, ['ab', 'cz', 'dd', 'e'], vocab);
  assert.deepEqual(text(runs), ['ab, c? dd… e']);
  assert.deepEqual([...missing], [['z', 1]]);
});

test('runs of at most max: whole sentences, else clauses, else cut at a space', () => {
  const clauses = splitClauses('S1. S2, S3. S4');
  const phonemes = ['aaaa', 'bbbb', 'cccc', 'dd dd dd dd dd'];
  assert.deepEqual(text(kokoroTokens(clauses, phonemes, vocab, 12).runs), ['aaaa.', 'bbbb, cccc.', 'dd dd dd dd', 'dd']);
  assert.deepEqual(text(kokoroTokens(clauses, phonemes, vocab, 10).runs), ['aaaa.', 'bbbb,', 'cccc.', 'dd dd dd', 'dd dd']);
  assert.deepEqual(text(kokoroTokens(splitClauses('x'), ['abcdefghij'], vocab, 4).runs), ['abcd', 'efgh', 'ij'], 'no space: cut anywhere');
  for (const r of kokoroTokens(clauses, phonemes, vocab, 7).runs) assert.ok(r.length <= 7);
});
