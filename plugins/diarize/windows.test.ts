import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planWindows, speechMask, speechSpans } from './windows.js';

const W = { windowSamples: 160_000, stepSamples: 80_000, align: 160 };

test('windows: a grid over the track, only where there is speech, and one flush with the end', () => {
  const total = 16000 * 60;
  const speech = speechSpans([{ start: 2000, end: 4000 }, { start: 30_000, end: 31_000 }, { start: 59_000, end: 59_500 }], 16000);
  const { starts } = planWindows(total, speech, W);
  // Windows of 10 s every 5 s (0, 5 ... 45 s) and 50 s, flush with the end; those holding 2-4 s, 30-31 s, 59 s.
  assert.deepEqual(starts.map((s) => s / 16000), [0, 25, 30, 50]);
  for (const s of starts) assert.equal(s % 160, 0);
});

test('windows: a track shorter than a window is one window at 0; no speech, no windows', () => {
  assert.deepEqual(planWindows(16000 * 4, [{ start: 100, end: 2000 }], W).starts, [0]);
  assert.deepEqual(planWindows(16000 * 40, [], W).starts, []);
});

test('speech spans: ms to samples, sorted, overlaps merged; the mask marks positions inside them', () => {
  const spans = speechSpans([{ start: 500, end: 700 }, { start: 100, end: 300 }, { start: 250, end: 400 }], 1000);
  assert.deepEqual(spans, [{ start: 100, end: 400 }, { start: 500, end: 700 }]);
  const mask = new Uint8Array(8);
  speechMask(spans, 0, 100, 8, mask);
  assert.deepEqual([...mask], [0, 1, 1, 1, 0, 1, 1, 0]);
});
