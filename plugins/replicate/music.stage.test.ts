import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureLoudness } from '../../native/lib/index.js';
import { contractSuite } from '../sdk/contract.js';
import { DubarrError, memoryCostMeter, setProviderCacheDir, type MusicPlan } from '../sdk/index.js';
import { readWav, readWavInfo } from '../sdk/wav.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import { startReplicateServer } from './contract-server.testkit.js';
import plugin from './index.js';
import { musicModel, serverOptions } from './test-models.testkit.js';

const def = findStage(plugin, 'replicate:music');
const server = await startReplicateServer({
  models: [
    musicModel({ polls: 1, predictTime: 3.5 }),
    { ...musicModel({ polls: 1 }), model: 'meta/broken', outcome: 'failed', error: 'could not load weights' },
  ],
});
const cacheRoot = await mkdtemp(join(tmpdir(), 'replicate-cache-'));
setProviderCacheDir(cacheRoot);
after(async () => {
  await server.close();
  await rm(cacheRoot, { recursive: true, force: true });
});

const creates = () => server.requests.filter((r) => r.method === 'POST' && /\/predictions$/.test(r.path)).length;
const planInput = (plan: Partial<MusicPlan> = {}) => ({ plan: outputOf({}, { prompt: 'warm synth pads, slow', durationMs: 7300, loudnessLufs: -20, ...plan }) });
const options = (over: Record<string, unknown> = {}) => serverOptions(server, { music: { maxSeconds: 3, crossfadeMs: 500 }, ...over });

contractSuite({
  plugin,
  stage: 'replicate:music',
  invalidOptions: { waitSeconds: 0 },
  availableOptions: { apiKey: server.token },
  unavailableOptions: {},
  validInput: async () => ({ options: options(), inputs: planInput({ prompt: 'contract bed' }) }),
  corruptInput: async () => ({ options: options(), inputs: { plan: outputOf({}, { prompt: '', durationMs: -5 }) } }),
  corruptCode: 'E_INVALID_ARGUMENT',
  longInput: async () => ({ options: options(), inputs: planInput({ prompt: 'contract bed, long', durationMs: 60_000 }) }),
});

/** Every 100 ms of the bed carries the tone: no loop left a gap, nothing was padded with silence. */
async function assertNoGap(path: string) {
  const ch = (await readWav(path)).channels[0]!;
  for (let at = 0; at + 4800 <= ch.length; at += 4800) {
    let e = 0;
    for (let i = at; i < at + 4800; i++) e += ch[i]! * ch[i]!;
    assert.ok(e / 4800 > 1e-4, `silence near ${at / 48} ms`);
  }
}

async function bedOf(run: { result: { files?: Record<string, string> }; workDir: string }) {
  const path = run.result.files!.music!;
  return { path, info: await readWavInfo(path), loudness: await measureLoudness(path) };
}

test('a bed longer than the model makes loops its piece with crossfades to the exact length, at the asked loudness', async () => {
  const run = await runStageForTest(def, { options: options(), inputs: planInput() });
  try {
    const { info, loudness } = await bedOf(run);
    assert.equal(info.sampleRate, 48_000);
    assert.equal(info.channels, 2);
    assert.equal(info.frames, 7300 * 48, 'exactly durationMs');
    assert.ok(Math.abs(loudness.integratedLufs! + 20) < 0.5, `loudness ${loudness.integratedLufs} LUFS`);
    assert.ok(loudness.truePeakDbtp! <= -1 + 0.1);
    // The model was asked for what it can make, and the tone runs on through every seam.
    assert.equal(JSON.parse(server.requests.find((r) => r.method === 'POST')!.body.toString()).input.duration, 3);
    await assertNoGap(run.result.files!.music!);
    assert.deepEqual(run.result.data, { durationMs: 7300, made: 'model' });
    assert.deepEqual(run.cost.map((c) => [c.state, c.unit, c.quantity, c.product]), [['settled', 'predictSeconds', 3.5, 'meta/musicgen']]);
  } finally {
    await rm(run.workDir, { recursive: true, force: true });
  }
});

test('a bed shorter than the piece is cut to the exact length and fades out', async () => {
  const run = await runStageForTest(def, { options: options(), inputs: planInput({ prompt: 'short sting', durationMs: 2500, loudnessLufs: -24 }) });
  try {
    const { info, loudness } = await bedOf(run);
    assert.equal(info.frames, 2500 * 48);
    assert.ok(Math.abs(loudness.integratedLufs! + 24) < 0.5, `loudness ${loudness.integratedLufs} LUFS`);
    const ch = (await readWav(run.result.files!.music!)).channels[1]!;
    assert.ok(Math.abs(ch[ch.length - 1]!) < 0.01, 'faded out');
  } finally {
    await rm(run.workDir, { recursive: true, force: true });
  }
});

test('a bed bought before is taken from the cache: nothing created, reported as reused', async () => {
  const input = { options: options(), inputs: planInput({ prompt: 'resume me' }) };
  const first = await runStageForTest(def, input);
  const made = server.created;
  const second = await runStageForTest(def, input);
  try {
    assert.equal(server.created, made, 'no second prediction');
    assert.deepEqual(second.cost.map((c) => [c.state, c.quantity]), [['reused', 3.5]]);
    assert.equal((await readWavInfo(second.result.files!.music!)).frames, 7300 * 48);
  } finally {
    await rm(first.workDir, { recursive: true, force: true });
    await rm(second.workDir, { recursive: true, force: true });
  }
});

test('a prediction past the budget is refused before anything is created', async () => {
  const before = creates();
  await assert.rejects(
    runStageForTest(def, { options: options(), inputs: planInput({ prompt: 'too dear' }) }, { cost: memoryCostMeter({ 'replicate:predictSeconds': 10 }) }),
    (e: DubarrError) => e.code === 'E_BUDGET_EXCEEDED',
  );
  assert.equal(creates(), before);
});

test('a plan that asks for silence is not generated: declined (E_NOT_APPLICABLE) for the next provider, nothing created', async () => {
  const before = creates();
  for (const plan of [{ prompt: '' }, { loudnessLufs: -70 }]) {
    await assert.rejects(runStageForTest(def, { options: options(), inputs: planInput(plan) }), (e: DubarrError) => e.code === 'E_NOT_APPLICABLE');
  }
  assert.equal(creates(), before);
});

test('an input name the model does not have is a config error naming the valid ones, before paying', async () => {
  const before = creates();
  await assert.rejects(
    runStageForTest(def, { options: options({ music: { input: { duration: 'length' } } }), inputs: planInput({ prompt: 'misnamed' }) }),
    (e: DubarrError) => e.code === 'E_CONFIG_INVALID' && /no input 'length'/.test(e.message) && /prompt, duration, model_version/.test(e.message),
  );
  assert.equal(creates(), before);
});

test('the token appears in no error and no log line', async () => {
  let logs = '';
  await assert.rejects(
    (async () => {
      try {
        await runStageForTest(def, { options: options({ music: { model: 'meta/broken' }, checkSchema: false }), inputs: planInput({ prompt: `leak ${server.token}` }) });
      } catch (e) {
        logs = JSON.stringify(e) + String((e as Error).message);
        throw e;
      }
    })(),
    (e: DubarrError) => e.code === 'E_PROVIDER_FAILED' && /could not load weights/.test(e.message),
  );
  assert.ok(!logs.includes(server.token));
  const bad = await runStageForTest(def, { options: { ...options(), apiKey: 'r8_notthetoken0000000000' }, inputs: planInput({ prompt: 'never bought' }) }).catch((e: DubarrError) => e);
  assert.equal((bad as DubarrError).code, 'E_PROVIDER_AUTH');
  assert.ok(!(bad as DubarrError).message.includes('r8_notthetoken0000000000'));
});

test('without a token the stage says how to set one', async () => {
  await assert.rejects(runStageForTest(def, { options: { baseUrl: server.url }, inputs: planInput() }),
    (e: DubarrError) => e.code === 'E_PROVIDER_UNAVAILABLE' && /DUBARR_PLUGINS_OPTIONS_REPLICATE__API_KEY/.test(e.message));
  assert.deepEqual(await plugin.available!(plugin.options.parse({})), { ok: false, reason: 'no API token: set plugins.options.replicate.apiKey (or DUBARR_PLUGINS_OPTIONS_REPLICATE__API_KEY)' });
});

test('a bed needing more loops than one filter graph takes is built in rounds, still exact', async () => {
  // 3 s pieces with 0.5 s crossfades: 100 s needs 40 copies, more than the 32 inputs a graph takes.
  const run = await runStageForTest(def, { options: options(), inputs: planInput({ prompt: 'long bed', durationMs: 100_000 }) });
  try {
    const { info, loudness } = await bedOf(run);
    assert.equal(info.frames, 100_000 * 48);
    await assertNoGap(run.result.files!.music!);
    assert.ok(Math.abs(loudness.integratedLufs! + 20) < 0.5, `loudness ${loudness.integratedLufs} LUFS`);
  } finally {
    await rm(run.workDir, { recursive: true, force: true });
  }
});
