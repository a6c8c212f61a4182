import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probe } from '../../native/lib/index.js';
import { generate } from '../../test/fixtures/media.js';
import { contractSuite } from '../sdk/contract.js';
import { DubarrError, setProviderCacheDir, type ClipPlan, type ClipRequest } from '../sdk/index.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import { startReplicateServer } from './contract-server.testkit.js';
import plugin from './index.js';
import { serverOptions, videoModel } from './test-models.testkit.js';

const def = findStage(plugin, 'replicate:video');
let uploaded: Buffer[] = [];
const server = await startReplicateServer({
  models: [videoModel({
    polls: 2,
    predictTime: 41,
    output: async (input, uploads) => {
      uploaded.push(...uploads.map((u) => u.bytes));
      return videoModel().output(input, uploads);
    },
  })],
});
const cacheRoot = await mkdtemp(join(tmpdir(), 'replicate-cache-'));
setProviderCacheDir(cacheRoot);
after(async () => {
  await server.close();
  await rm(cacheRoot, { recursive: true, force: true });
});

const still = await generate('replicate-still', ['-f', 'lavfi', '-i', 'color=c=orange:size=64x64', '-frames:v', '1'], 'png');
const planOf = (clips: ClipRequest[], over: Partial<ClipPlan> = {}) => ({ plan: outputOf({}, { width: 256, height: 256, fps: 25, clips, ...over }) });

contractSuite({
  plugin,
  stage: 'replicate:video',
  invalidOptions: { video: { crf: 99 } },
  availableOptions: { apiKey: server.token },
  unavailableOptions: {},
  validInput: async () => ({ options: serverOptions(server), inputs: planOf([{ id: 'c1', prompt: 'contract clip', durationMs: 1000 }]) }),
  corruptInput: async () => ({ options: serverOptions(server), inputs: planOf([{ id: '../escape', prompt: 'x', durationMs: 1000 }]) }),
  corruptCode: 'E_INVALID_ARGUMENT',
  longInput: async () => ({ options: serverOptions(server), inputs: planOf([{ id: 'c1', prompt: 'contract clip, long', durationMs: 1000 }, { id: 'c2', prompt: 'another', durationMs: 1000 }]) }),
});

async function clipFacts(path: string) {
  const p = await probe(path);
  const v = p.streams.find((s) => s.type === 'video')!;
  return { codec: v.codec, width: v.width, height: v.height, fps: v.frameRate, duration: p.duration, audio: p.streams.some((s) => s.type === 'audio') };
}

test('each clip is made to the plan\'s size and rate, held on its last frame or cut to its length; a still is uploaded', async () => {
  uploaded = [];
  const run = await runStageForTest(def, {
    options: serverOptions(server),
    inputs: planOf([
      { id: 'opening', prompt: 'a lighthouse at dusk', durationMs: 3000, image: still },
      { id: 'close', prompt: 'waves on rocks', durationMs: 1000 },
    ]),
  });
  try {
    const a = await clipFacts(run.result.files!.opening!);
    const b = await clipFacts(run.result.files!.close!);
    // The model's clip is 320x180 at 24 fps for 2 s: scaled into 256x256, 25 fps, 3 s (held) and 1 s (cut).
    assert.deepEqual({ ...a, duration: undefined }, { codec: 'h264', width: 256, height: 256, fps: 25, duration: undefined, audio: false });
    assert.ok(Math.abs(a.duration! - 3) < 0.05, `held to ${a.duration} s`);
    assert.ok(Math.abs(b.duration! - 1) < 0.05, `cut to ${b.duration} s`);
    assert.deepEqual(run.result.data, { clips: [{ id: 'opening', durationMs: 3000, made: 'model' }, { id: 'close', durationMs: 1000, made: 'model' }] });
    assert.deepEqual(uploaded, [await readFile(still)], 'the model saw the uploaded still');
    const inputs = [...server.predictions.values()].slice(-2).map((p) => p.input);
    assert.match(String(inputs[0]!.first_frame_image), new RegExp(`^${server.url}/v1/files/`));
    assert.equal(inputs[1]!.first_frame_image, undefined);
    assert.deepEqual(run.cost.map((c) => [c.state, c.unit, c.quantity, c.product]), [['settled', 'predictSeconds', 41, 'minimax/video-01'], ['settled', 'predictSeconds', 41, 'minimax/video-01']]);
  } finally {
    await rm(run.workDir, { recursive: true, force: true });
  }
});

test('a job that failed at its second clip, resumed, pays only for the clips not made', async () => {
  const clips = [
    { id: 's1', prompt: 'resume: forest', durationMs: 1000 },
    { id: 's2', prompt: 'resume: river', durationMs: 1000 },
    { id: 's3', prompt: 'resume: sea', durationMs: 1000 },
  ];
  const before = server.created;
  // The second create meets a 500: it may have been made, so it is not sent again and the stage fails.
  let made = 0;
  const failing = runStageForTest(def, { options: serverOptions(server), inputs: planOf(clips) }, {
    onProgress: (_f, note) => {
      if (note?.startsWith('clip s1 ready') && made++ === 0) server.inject('POST', /\/predictions$/, [{ status: 500, body: { title: 'Internal Server Error', status: 500 } }]);
    },
  });
  await assert.rejects(failing, (e: DubarrError) => e.code === 'E_PROVIDER_FAILED');
  assert.equal(server.created - before, 1, 'only s1 was made');

  const resumed = await runStageForTest(def, { options: serverOptions(server), inputs: planOf(clips) });
  try {
    assert.equal(server.created - before, 3, 's2 and s3 bought, s1 not again');
    assert.deepEqual(resumed.cost.map((c) => [c.state, c.what]), [
      ['reused', 'clip s1 (5 s) from minimax/video-01'],
      ['settled', 'clip s2 (5 s) from minimax/video-01'],
      ['settled', 'clip s3 (5 s) from minimax/video-01'],
    ]);
    assert.deepEqual(Object.keys(resumed.result.files!), ['s1', 's2', 's3']);
  } finally {
    await rm(resumed.workDir, { recursive: true, force: true });
  }
});

test('a cancel while a clip is processing cancels its prediction', async () => {
  const ac = new AbortController();
  const cancels = server.requests.filter((r) => r.path.endsWith('/cancel')).length;
  await assert.rejects(
    runStageForTest(def, { options: serverOptions(server), inputs: planOf([{ id: 'x', prompt: 'cancel me', durationMs: 1000 }]) }, {
      signal: ac.signal,
      onProgress: (_f, note) => { if (note?.endsWith('prediction processing')) ac.abort(); },
    }),
    (e: DubarrError) => e.code === 'E_CANCELLED',
  );
  assert.equal(server.requests.filter((r) => r.path.endsWith('/cancel')).length, cancels + 1);
  assert.equal([...server.predictions.values()].at(-1)!.status, 'canceled');
});
