import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GAP_MS, planRuns, speechRegions, toSourceTime } from './speech-plan.js';

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
