import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance, type EditDistanceWork } from './edit-distance.js';

const chars = (s: string) => [...s];

test('edit distance counts substitutions, insertions and deletions', () => {
  assert.equal(editDistance(chars('kitten'), chars('sitting')), 3);
  assert.equal(editDistance(chars('sitting'), chars('kitten')), 3);
  assert.equal(editDistance(chars('flaw'), chars('lawn')), 2);
  assert.equal(editDistance([], chars('abc')), 3);
  assert.equal(editDistance(chars('abc'), []), 3);
  assert.equal(editDistance([], []), 0);
  assert.equal(editDistance(['the', 'new', 'bridge'], ['the', 'bridge', 'is', 'new']), 3);
  // Code points, not UTF-16 units: an emoji is one symbol.
  assert.equal(editDistance(chars('a😀b'), chars('ab')), 1);
});

test('the work counter reports the table the comparison filled', () => {
  const work: EditDistanceWork = { cells: 0 };
  editDistance(chars('abcd'), chars('xy'), work);
  editDistance(chars('a'), chars(''), work);
  assert.equal(work.cells, 5 * 3 + 2 * 1);
});
