import { test } from 'node:test';
import assert from 'node:assert/strict';
import { segmentSpeech, type SegmenterOptions } from './speech-segmenter.js';

const base: SegmenterOptions = {
  frameMs: 10, onThreshold: 0.5, offThreshold: 0.35, minSpeechMs: 100, minSilenceMs: 100,
  speechPadMs: 0, maxSegmentMs: 60_000, durationMs: 10_000, meanScoreAsProbability: true,
};

/** Scores from runs of [value, frames]. */
function scores(...runs: Array<[number, number]>): Float32Array {
  return Float32Array.from(runs.flatMap(([v, n]) => Array<number>(n).fill(v)));
}

test('hysteresis: starts at the on threshold, holds between the thresholds, ends after min silence', () => {
  const s = scores([0, 50], [0.9, 30], [0.4, 40], [0.9, 30], [0.1, 50]);
  // 0.4 sits between the thresholds, so the dip does not end the segment however long it is.
  assert.deepEqual(segmentSpeech(s, base), [{ start: 500, end: 1500, probability: 0.7 }]);
});

test('short pauses are bridged, long ones split; short bursts are dropped', () => {
  const s = scores([0, 10], [0.9, 20], [0.1, 5], [0.9, 20], [0.1, 10], [0.9, 20], [0.1, 30], [0.9, 5], [0.1, 30]);
  const got = segmentSpeech(s, { ...base, meanScoreAsProbability: false });
  // 50 ms pause bridged; 100 ms pause splits; the 50 ms burst is below minSpeechMs.
  assert.deepEqual(got, [{ start: 100, end: 550 }, { start: 650, end: 850 }]);
});

test('padding widens segments, shares narrow gaps, stays inside the track', () => {
  const s = scores([0.9, 20], [0.1, 12], [0.9, 20], [0.1, 60], [0.9, 20]);
  const got = segmentSpeech(s, { ...base, speechPadMs: 100, durationMs: 1300, meanScoreAsProbability: false });
  assert.deepEqual(got, [{ start: 0, end: 260 }, { start: 260, end: 620 }, { start: 1020, end: 1300 }]);
});

test('long segments are cut at their lowest score into pieces no longer than maxSegmentMs, padding included', () => {
  const s = new Float32Array(1000).fill(0.9); // 10 s of speech with two soft spots
  s[420] = 0.55; s[700] = 0.6; s[150] = 0.7;
  const got = segmentSpeech(s, { ...base, speechPadMs: 50, maxSegmentMs: 4600, durationMs: 12_000 });
  assert.deepEqual(got.map((g) => [g.start, g.end]), [[0, 4200], [4200, 7000], [7000, 10_050]]);
  for (const g of got) assert.ok(g.end - g.start <= 4600);
});

// How long it takes, and that the time grows linearly with the length: `npm run bench -- vad`.
test('an hour of unbroken speech is cut into bounded, ordered pieces', () => {
  const frames = 112_500; // one hour of 32 ms windows
  const s = Float32Array.from({ length: frames }, (_, i) => 0.8 + 0.19 * Math.sin(i / 7));
  const got = segmentSpeech(s, { ...base, frameMs: 32, speechPadMs: 60, maxSegmentMs: 15_000, durationMs: frames * 32 });
  assert.ok(got.length >= 240);
  got.forEach((g, i) => {
    assert.ok(g.end - g.start <= 15_000, `${g.start}-${g.end}`);
    if (i > 0) assert.ok(g.start >= got[i - 1]!.end, 'segments must not overlap');
  });
});
