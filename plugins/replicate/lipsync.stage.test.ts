import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { thumbnailSync } from '../../native/lib/index.js';
import { lipsyncDubWav, lipsyncFaceMp4 } from '../../test/fixtures/lipsync-media.js';
import { buildTinyModel } from '../../test/fixtures/tiny-models.js';
import { DubarrError, memoryCostMeter, setProviderCacheDir, type FitPlan } from '../sdk/index.js';
import type { LipsyncResult } from '../sdk/lipsync-stage.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import { startReplicateServer } from './contract-server.testkit.js';
import plugin from './index.js';
import { lipsyncModel, serverOptions } from './test-models.testkit.js';

const def = findStage(plugin, 'replicate:lipsync');
const server = await startReplicateServer({ models: [lipsyncModel({ polls: 1, predictTime: 12 })] });
const cacheRoot = await mkdtemp(join(tmpdir(), 'replicate-lipsync-cache-'));
setProviderCacheDir(cacheRoot);
after(async () => {
  await server.close();
  await rm(cacheRoot, { recursive: true, force: true });
});

/** Dubbed lines: a and b while the bright square (the "face") is on screen (2-5 s), c while it is not, d at 8-9 s with it. */
const LINES: Record<string, [number, number]> = { a: [2300, 3200], b: [4400, 4800], c: [6200, 7000], d: [8300, 8700] };
const fitPlan = (): FitPlan => ({
  language: 'es', sampleRate: 48000,
  units: Object.entries(LINES).map(([id, [start, end]]) => ({
    id, start, end, file: `${id}.wav`, durationMs: end - start, sourceDurationMs: end - start, factor: 1, rate: 1,
    placedStart: start, placedEnd: end, overflowMs: 0, trimmedMs: 0,
  })),
  summary: { units: 4, stretched: 0, overflows: 0, maxFactor: 1, histogram: {} },
});

async function input() {
  const faceModel = join(await buildTinyModel('ultraface_tiny.py'), 'version-RFB-320.onnx');
  return {
    options: serverOptions(server, { lipsync: { faceModel, mergeGapMs: 0 } }),
    inputs: {
      source: outputOf({ media: await lipsyncFaceMp4() }),
      extract: outputOf({}, { hasVideo: true }),
      fit: outputOf({}, fitPlan()),
      mix: outputOf({ track: await lipsyncDubWav() }),
    },
  };
}

const creates = () => server.requests.filter((r) => r.method === 'POST' && /\/predictions$/.test(r.path)).length;
const bright = (path: string, seconds: number) => {
  const f = thumbnailSync(path, { time: seconds });
  let sum = 0;
  for (const b of f.data) sum += b;
  return sum / f.data.length > 150;
};

test('the Replicate model re-renders only the spans with a face on screen, each bought once; run again, nothing is bought', async () => {
  const before = creates();
  const first = await runStageForTest<LipsyncResult>(def, await input());
  const second = await runStageForTest<LipsyncResult>(def, await input());
  try {
    assert.deepEqual(first.result.data!.spans.map((s) => [s.startMs, s.endMs]), [[2000, 5000], [8000, 9000]]);
    assert.equal(creates() - before, 2, 'one prediction a span, none for the line without a face, none on the second run');
    // The model's frames (inverted) inside the spans, the source's outside.
    assert.deepEqual([1.5, 2.5, 4.5, 6.5, 8.5, 9.5].map((t) => bright(first.result.files!.video!, t)), [false, true, true, false, true, false]);
    assert.deepEqual(first.cost.map((c) => [c.provider, c.product, c.unit, c.state, c.quantity]), [
      ['replicate', 'bytedance/latentsync', 'predictSeconds', 'settled', 12], ['replicate', 'bytedance/latentsync', 'predictSeconds', 'settled', 12],
    ]);
    assert.deepEqual(second.cost.map((c) => c.state), ['reused', 'reused']);
    assert.deepEqual([1.5, 2.5, 8.5].map((t) => bright(second.result.files!.video!, t)), [false, true, true]);
  } finally {
    await rm(first.workDir, { recursive: true, force: true });
    await rm(second.workDir, { recursive: true, force: true });
  }
});

test('a span past the budget is refused before anything is uploaded or created', async () => {
  await rm(join(cacheRoot, 'replicate'), { recursive: true, force: true });
  const before = server.requests.length;
  await assert.rejects(runStageForTest(def, await input(), { cost: memoryCostMeter({ 'replicate:predictSeconds': 100 }) }),
    (e: DubarrError) => e.code === 'E_BUDGET_EXCEEDED');
  assert.deepEqual(server.requests.slice(before).filter((r) => r.method === 'POST').map((r) => r.path), [], 'no upload, no prediction');
});
