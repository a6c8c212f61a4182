import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Powerset } from './powerset.js';

test('segmentation-3.0 powerset: 3 speakers, at most 2 at once -> {}, {1}, {2}, {3}, {1,2}, {1,3}, {2,3}', () => {
  const p = new Powerset(3, 2);
  assert.deepEqual(p.classes, [[], [0], [1], [2], [0, 1], [0, 2], [1, 2]]);
});

test('decode: the best class of each frame, as local speaker bits', () => {
  const p = new Powerset(3, 2);
  const scores = new Float32Array([
    0, -1, -1, -1, -1, -1, -1, // nobody
    -5, -1, -3, -9, -2, -9, -9, // speaker 1
    -9, -9, -9, -9, -9, -9, 0, // speakers 2 and 3
  ]);
  const active = new Uint8Array(9).fill(7);
  p.decode(scores, 0, 3, active);
  assert.deepEqual([...active], [0, 0, 0, 1, 0, 0, 0, 1, 1]);
});
