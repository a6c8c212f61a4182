import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkCount, GAP_MS, planRuns, speechRegions, toSourceTime } from './speech-plan.js';

test('speech regions: padded, clamped, close ones merged; no VAD = the whole track', () => {
  assert.deepEqual(speechRegions(10_000, undefined, 200), [{ start: 0, end: 10_000 }]);
  assert.deepEqual(speechRegions(10_000, [{ start: 100, end: 1000 }, { start: 1500, end: 2000 }, { start: 5000, end: 9900 }], 200),
    [{ start: 0, end: 2200 }, { start: 4800, end: 10_000 }]);
});

test('runs: balanced by speech, times map back to the source', () => {
  const regions = [{ start: 0, end: 4000 }, { start: 10_000, end: 12_000 }, { start: 20_000, end: 22_000 }, { start: 30_000, end: 34_000 }];
  const runs = planRuns(regions, 2);
  assert.deepEqual(runs.map((r) => r.regions.map((x) => x.start)), [[0, 10_000], [20_000, 30_000]]);
  const [a] = runs;
  assert.deepEqual(a!.regions.map((r) => r.streamStart), [0, 4000 + GAP_MS]);
  assert.equal(a!.streamMs, 4000 + GAP_MS + 2000);
  assert.equal(toSourceTime(a!, 500), 500);
  assert.equal(toSourceTime(a!, 4000 + 300), 4000, 'inside a gap: clamped to the region end');
  assert.equal(toSourceTime(a!, 4000 + GAP_MS + 1500), 11_500);
  assert.equal(planRuns(regions, 1).length, 1);
  assert.ok(planRuns(regions, 8).length <= regions.length, 'never more runs than regions');
  assert.deepEqual(planRuns([], 2), []);
});

test('chunks: about chunkMs of speech each, an even count past one, whatever the machine', () => {
  const regions = (seconds: number[]) => seconds.map((s, i) => ({ start: i * 1_000_000, end: i * 1_000_000 + s * 1000 }));
  assert.equal(chunkCount(regions([100]), 150_000), 1);
  assert.equal(chunkCount(regions([100, 50]), 150_000), 1);
  assert.equal(chunkCount(regions([100, 60]), 150_000), 2);
  assert.equal(chunkCount(regions(Array(10).fill(52)), 150_000), 4, 'the 10-minute bench track: 523 s in 4 chunks');
  assert.equal(chunkCount(regions(Array(60).fill(60)), 150_000), 24, 'an hour of speech');
  assert.equal(chunkCount([], 150_000), 1);
});
