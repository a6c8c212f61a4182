import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planSpans, sampleTimes } from './lipsync-spans.js';

const keys = [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000];

test('a span starts at the keyframe at or before its line and ends at the keyframe at or after it', () => {
  assert.deepEqual(planSpans([{ id: 'a', startMs: 2300, endMs: 3200 }], keys, 10_000, 0), [{ startMs: 2000, endMs: 4000, lines: ['a'] }]);
  // A line that starts or ends exactly on a keyframe is not widened past it.
  assert.deepEqual(planSpans([{ id: 'a', startMs: 2000, endMs: 3000 }], keys, 10_000, 0), [{ startMs: 2000, endMs: 3000, lines: ['a'] }]);
});

test('a line past the last keyframe ends at the end of the stream; one beyond the stream is clipped to it', () => {
  assert.deepEqual(planSpans([{ id: 'z', startMs: 9500, endMs: 12_000 }], keys, 10_000, 0), [{ startMs: 9000, endMs: 10_000, lines: ['z'] }]);
  assert.deepEqual(planSpans([{ id: 'gone', startMs: 10_500, endMs: 11_000 }], keys, 10_000, 0), []);
});

test('spans closer than the merge gap become one; farther ones stay apart; touching ones always merge', () => {
  const lines = [
    { id: 'b', startMs: 4400, endMs: 4800 },
    { id: 'a', startMs: 2300, endMs: 3200 },
    { id: 'c', startMs: 7100, endMs: 7300 },
  ];
  assert.deepEqual(planSpans(lines, keys, 10_000, 0), [
    { startMs: 2000, endMs: 5000, lines: ['a', 'b'] }, // a ends at keyframe 4000, where b's span starts
    { startMs: 7000, endMs: 8000, lines: ['c'] },
  ]);
  assert.deepEqual(planSpans(lines, keys, 10_000, 2001), [{ startMs: 2000, endMs: 8000, lines: ['a', 'b', 'c'] }]);
  assert.deepEqual(planSpans(lines, keys, 10_000, 2000), [
    { startMs: 2000, endMs: 5000, lines: ['a', 'b'] },
    { startMs: 7000, endMs: 8000, lines: ['c'] },
  ]);
});

test('sparse keyframes: a line inside one long GOP re-renders the whole GOP', () => {
  assert.deepEqual(planSpans([{ id: 'a', startMs: 4100, endMs: 4200 }], [0, 4000, 12_000], 20_000, 0), [{ startMs: 4000, endMs: 12_000, lines: ['a'] }]);
});

test('samples: evenly inside the line at the asked rate, at least its middle', () => {
  assert.deepEqual(sampleTimes({ startMs: 1000, endMs: 3000 }, 2), [1500, 2000, 2500, 3000].map((t) => t - 250));
  assert.deepEqual(sampleTimes({ startMs: 1000, endMs: 1100 }, 2), [1050]);
});
