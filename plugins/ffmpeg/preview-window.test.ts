import { test } from 'node:test';
import assert from 'node:assert/strict';
import { densestSpeech } from './preview-window.js';

test('the window with the most speech, opening a second before its first line', () => {
  const lines = [
    { startMs: 5_000, endMs: 7_000 },
    { startMs: 60_000, endMs: 70_000 },
    { startMs: 75_000, endMs: 85_000 },
    { startMs: 200_000, endMs: 201_000 },
  ];
  assert.deepEqual(densestSpeech(lines, 600_000, 30_000), { startMs: 59_000, endMs: 89_000, speechMs: 20_000 });
});

test('a film shorter than the window is previewed whole; a window never runs past the end', () => {
  assert.deepEqual(densestSpeech([{ startMs: 1_000, endMs: 2_000 }], 10_000, 30_000), { startMs: 0, endMs: 10_000, speechMs: 1_000 });
  assert.deepEqual(densestSpeech([{ startMs: 95_000, endMs: 99_000 }], 100_000, 30_000), { startMs: 70_000, endMs: 100_000, speechMs: 4_000 });
});

test('no speech: the opening; ties: the earliest window', () => {
  assert.deepEqual(densestSpeech([], 100_000, 30_000), { startMs: 0, endMs: 30_000, speechMs: 0 });
  const lines = [{ startMs: 40_000, endMs: 41_000 }, { startMs: 80_000, endMs: 81_000 }];
  assert.equal(densestSpeech(lines, 200_000, 30_000).startMs, 39_000);
});
