import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { thumbnailSync } from '../../native/lib/index.js';
import { LIPSYNC_FPS, LIPSYNC_SECONDS, lipsyncDubWav, lipsyncFaceMp4 } from '../../test/fixtures/lipsync-media.js';
import { randomBytesFile } from '../../test/fixtures/media.js';
import { buildTinyModel } from '../../test/fixtures/tiny-models.js';
import type { FitPlan } from './artifacts.js';
import { contractSuite } from './contract.js';
import { DubarrError } from './errors.js';
import { localLipsync } from './lipsync-local.stage.testkit.js';
import { LipsyncSettings, type LipsyncResult } from './lipsync-stage.js';
import { definePlugin } from './plugin.js';
import { outputOf, runStageForTest, type TestRun } from './testing.js';
import { spliceVideoInfo } from './video-keyframes.js';

const plugin = definePlugin({
  name: 'lipsync-local', version: '0', options: LipsyncSettings,
  stages: [{ id: 'lipsync-local:lipsync', capability: 'lipsync', runIn: 'worker', entry: new URL('./lipsync-local.stage.testkit.js', import.meta.url) }],
});
const stage = plugin.stages[0]!;

/** Dubbed lines: a, b and d play while the square ("face") is on screen (2-5 s, 8-9 s), c while it is not. */
const LINES = { a: [2300, 3200], b: [4400, 4800], c: [6200, 7000], d: [8300, 8700] } as const;

function fitPlan(lines: Record<string, readonly [number, number]> = LINES): FitPlan {
  return {
    language: 'es', sampleRate: 48000,
    units: Object.entries(lines).map(([id, [start, end]]) => ({
      id, start, end, file: `${id}.wav`, durationMs: end - start, sourceDurationMs: end - start, factor: 1, rate: 1,
      placedStart: start, placedEnd: end, overflowMs: 0, trimmedMs: 0,
    })),
    summary: { units: Object.keys(lines).length, stretched: 0, overflows: 0, maxFactor: 1, histogram: {} },
  };
}

const faceModel = async () => join(await buildTinyModel('ultraface_tiny.py'), 'version-RFB-320.onnx');

async function input(options: Record<string, unknown>, source?: string) {
  return {
    options,
    inputs: {
      source: outputOf({ media: source ?? await lipsyncFaceMp4() }),
      extract: outputOf({}, { hasVideo: true }),
      fit: outputOf({}, fitPlan()),
      mix: outputOf({ track: await lipsyncDubWav() }),
    },
  };
}

const bright = (path: string, seconds: number) => {
  const f = thumbnailSync(path, { time: seconds });
  let sum = 0;
  for (const b of f.data) sum += b;
  return sum / f.data.length > 150;
};

async function runStage(options: Record<string, unknown>): Promise<TestRun<LipsyncResult>> {
  return runStageForTest<LipsyncResult>(stage, await input(options));
}

beforeEach(() => { localLipsync.calls.length = 0; });

test('with the face detector: only the lines that show a face are re-rendered, in keyframe-aligned spans; the rest of the video is the source\'s', async () => {
  const source = await lipsyncFaceMp4();
  const before = createHash('sha256').update(await readFile(source)).digest('hex');
  const run = await runStage({ faceModel: await faceModel(), mergeGapMs: 0 });
  try {
    const d = run.result.data!;
    assert.equal(d.detector, 'ultraface');
    assert.equal(d.linesToSync, 3, 'a, b and d show the face; c does not');
    // a (2.3-3.2 s) widens to 2-4 s and b (4.4-4.8 s) to 4-5 s: touching, so one span; d to 8-9 s.
    assert.deepEqual(d.spans.map((s) => [s.startMs, s.endMs, s.lines]), [[2000, 5000, ['a', 'b']], [8000, 9000, ['d']]]);
    assert.deepEqual(localLipsync.calls.map((c) => [c.startMs, c.endMs]), [[2000, 5000], [8000, 9000]]);
    assert.deepEqual(d.spans.map((s) => s.frames), [75, 25]);
    assert.equal(d.reencodedFrames, 100);
    const video = run.result.files!.video!;
    const out = await spliceVideoInfo(video);
    assert.equal(out.frames, LIPSYNC_SECONDS * LIPSYNC_FPS);
    // Inverted (the engine's) inside the spans, as the source outside: the dark background is bright only where the engine ran.
    assert.deepEqual([1.5, 2.5, 4.5, 6.5, 8.5, 9.5].map((t) => bright(video, t)), [false, true, true, false, true, false]);
    assert.equal(createHash('sha256').update(await readFile(source)).digest('hex'), before, 'the user\'s file is untouched');
  } finally {
    await rm(run.workDir, { recursive: true, force: true });
  }
});

test('spans closer than mergeGapMs are re-rendered as one engine call', async () => {
  const run = await runStage({ faceModel: await faceModel(), mergeGapMs: 3001 });
  try {
    assert.deepEqual(run.result.data!.spans.map((s) => [s.startMs, s.endMs]), [[2000, 9000]]);
    assert.equal(localLipsync.calls.length, 1);
  } finally {
    await rm(run.workDir, { recursive: true, force: true });
  }
});

test('without a face detector, the default (every-line) sends every dubbed line to the engine, the faceless one too', async () => {
  const run = await runStage({ faceModel: '/nonexistent/version-RFB-320.onnx', mergeGapMs: 0 });
  try {
    const d = run.result.data!;
    assert.equal(d.detector, 'none');
    assert.equal(d.linesToSync, 4);
    assert.deepEqual(d.spans.map((s) => [s.startMs, s.endMs]), [[2000, 5000], [6000, 7000], [8000, 9000]]);
    assert.ok(run.logs.some((l) => /no face detector/.test(String(l.msg))), 'the log says why every line was taken');
  } finally {
    await rm(run.workDir, { recursive: true, force: true });
  }
});

test('without a face detector: withoutDetector skip leaves the video alone; fail stops with E_MODEL_MISSING saying where the file goes', async () => {
  const skipped = await runStage({ faceModel: '/nonexistent/version-RFB-320.onnx', withoutDetector: 'skip' });
  assert.match(skipped.result.data!.skipped!, /no face detector/);
  assert.equal(skipped.result.files, undefined);
  await assert.rejects(runStage({ faceModel: '/nonexistent/version-RFB-320.onnx', withoutDetector: 'fail' }),
    (e: unknown) => e instanceof DubarrError && e.code === 'E_MODEL_MISSING' && e.message.includes('/nonexistent/version-RFB-320.onnx'));
  assert.equal(localLipsync.calls.length, 0);
});

test('no dubbed line shows a face: nothing is re-rendered and no video is returned (the mux keeps the source\'s)', async () => {
  const run = await runStageForTest<LipsyncResult>(stage, { ...(await input({ faceModel: await faceModel() })), inputs: { ...(await input({})).inputs, fit: outputOf({}, fitPlan({ c: [6200, 7000] })) } });
  assert.equal(run.result.data!.skipped, 'no dubbed line shows a face');
  assert.equal(run.result.data!.samples, 2);
  assert.equal(run.result.files, undefined);
  assert.equal(localLipsync.calls.length, 0);
});

contractSuite({
  plugin,
  stage: 'lipsync',
  invalidOptions: { withoutDetector: 'sometimes' },
  validInput: async () => input({ faceModel: await faceModel() }),
  longInput: async () => input({ faceModel: await faceModel() }),
  corruptInput: async () => input({ faceModel: await faceModel() }, await randomBytesFile()),
  check: (run) => { assert.ok((run.result.data as LipsyncResult).spans.length > 0); },
});
