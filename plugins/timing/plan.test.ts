import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_FIT, planTiming, summarize, type TimedClip } from './plan.js';

const clip = (id: string, start: number, end: number, durationMs: number): TimedClip => ({ id, start, end, durationMs });

test('a clip that fits its gap is not stretched and starts at its source start', () => {
  const [a] = planTiming([clip('a', 1000, 2000, 1400), clip('b', 4000, 5000, 800)]);
  assert.deepEqual([a!.factor, a!.placedStart, a!.placedEnd, a!.overflowMs], [1, 1000, 2400, 0]);
});

test('an overlong clip is stretched just enough, never past the next unit, bounded by maxFactor', () => {
  const placed = planTiming([clip('a', 0, 1000, 1200), clip('b', 1100, 2000, 600), clip('c', 10_000, 11_000, 2000), clip('d', 11_500, 12_000, 400)]);
  const [a, , c] = placed;
  assert.equal(a!.availableMs, 1100 - DEFAULT_FIT.minGapMs);
  assert.ok(Math.abs(a!.factor - 1200 / 1020) < 0.001);
  assert.ok(a!.placedEnd <= 1100 - DEFAULT_FIT.minGapMs);
  assert.equal(c!.factor, 1.25, 'capped');
  assert.equal(c!.placedEnd, 11_500 - DEFAULT_FIT.minGapMs, 'cut at the slot, no overlap');
  assert.equal(c!.overflowMs, 1600 - 1420);
  for (let i = 0; i + 1 < placed.length; i++) assert.ok(placed[i]!.placedEnd <= placed[i + 1]!.placedStart);
});

test('factors are smoothed across close neighbours but not across long pauses, and never lowered', () => {
  const clips = [
    clip('a', 0, 1000, 900), clip('b', 1100, 2000, 1150), clip('c', 2100, 3000, 800),
    clip('d', 8000, 9000, 900),
  ];
  const placed = planTiming(clips);
  const f = Object.fromEntries(placed.map((p) => [p.id, p.factor]));
  assert.ok(f.b! > 1.2);
  assert.ok(f.a! >= f.b! - DEFAULT_FIT.maxStep - 1e-9 && f.a! > 1, 'the neighbour before speeds up a little');
  assert.ok(f.c! >= f.b! - DEFAULT_FIT.maxStep - 1e-9);
  assert.equal(f.d, 1, 'after a long pause the pace resets');
  const s = summarize(placed);
  assert.equal(s.units, 4);
  assert.equal(s.stretched, 3);
  assert.equal(s.overflows, 0);
});

test('the last unit may not run past the end of the media', () => {
  const [a] = planTiming([clip('a', 9000, 9500, 1500)], { ...DEFAULT_FIT, mediaEndMs: 10_000 });
  assert.equal(a!.availableMs, 1000);
  assert.equal(a!.factor, 1.25);
  assert.equal(a!.placedEnd, 10_000);
  assert.equal(a!.overflowMs, 200);
});
