import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor } from 'onnxruntime-node';
import { buildTinyModel } from '../../test/fixtures/tiny-models.js';
import { checkProviderLibrariesIn, ortBinaryDir } from './execution-providers.js';
import { createModelBudget, installModelBudget, ModelBudget } from './model-budget.js';
import { withModelLease } from './model-lease.js';
import { z } from 'zod';
import { loadedOnnxSessions, onnxRunTime, onnxRuntimeOptions, onnxSession, onnxSessionsCreated, releaseOnnxSessions, setOnnxDefaults, type OnnxSession } from './onnx-session.js';
import type { Logger } from './plugin.js';

/** y = x * factor: the output says which file ran. */
async function scaleModel(factor: number): Promise<string> {
  return join(await buildTinyModel('scale.py', [String(factor)]), 'scale.onnx');
}

async function run(s: OnnxSession, x: number): Promise<number> {
  const out = await s.session.run({ x: new Tensor('float32', Float32Array.of(x), [1]) });
  return (out.y!.data as Float32Array)[0]!;
}

function logger(): Logger & { lines: Array<{ obj: Record<string, unknown>; msg?: string }> } {
  const lines: Array<{ obj: Record<string, unknown>; msg?: string }> = [];
  const at = (obj: object | string, msg?: string) => { lines.push({ obj: obj as Record<string, unknown>, msg }); };
  return { lines, debug: at, info: at, warn: at, error: at };
}

const gpuBuildInstalled = existsSync(join(ortBinaryDir(), 'libonnxruntime_providers_cuda.so'));

/** Every test starts with no sessions and a budget of its own. */
async function fresh(limits = { maxResidentMb: 100, gpuConcurrency: 1 }): Promise<ModelBudget> {
  await releaseOnnxSessions();
  return installModelBudget(createModelBudget(limits));
}

test('on the default provider list a model runs on the CPU, says so in one log line, and is reused', async () => {
  await fresh();
  const path = await scaleModel(3);
  const log = logger();
  const before = onnxSessionsCreated();
  const s = await onnxSession(path, { label: 'scale-3', log });
  assert.equal(s.provider, 'cpu');
  assert.equal(await run(s, 2), 6);
  assert.equal(log.lines.length, 1);
  assert.match(log.lines[0]!.msg!, /ONNX model scale-3 runs on cpu$/);
  assert.deepEqual(log.lines[0]!.obj.notUsed, []);
  const again = await onnxSession(path, { label: 'scale-3', log });
  assert.equal(again.session, s.session);
  assert.equal(again.loadMs, 0);
  assert.equal(onnxSessionsCreated() - before, 1);
  const timed = onnxRunTime();
  await run(again, 1);
  assert.equal(onnxRunTime().runs, timed.runs + 1, 'session.run is timed for the benchmarks');
  await releaseOnnxSessions();
});

test('asking for tensorrt and cuda on the CPU-only build falls back to the CPU, saying why each was not used', { skip: gpuBuildInstalled && 'onnxruntime-node\'s GPU build is installed here' }, async () => {
  await fresh();
  const log = logger();
  const s = await onnxSession(await scaleModel(5), { label: 'scale-5', executionProviders: ['tensorrt', 'cuda', 'cpu'], log });
  assert.equal(s.provider, 'cpu');
  assert.equal(await run(s, 2), 10);
  const line = log.lines.find((l) => /runs on/.test(l.msg ?? ''))!;
  assert.match(line.msg!, /ONNX model scale-5 runs on cpu \(tensorrt: not installed .*libonnxruntime_providers_tensorrt\.so.*ONNXRUNTIME_NODE_INSTALL=cuda12.*; cuda: not installed .*libonnxruntime_providers_cuda\.so/);
  assert.equal(line.obj.executionProvider, 'cpu');
  assert.equal((line.obj.notUsed as string[]).length, 2);
  await releaseOnnxSessions();
});

test('without cpu in the list, no usable provider is a coded error that says how to fall back', { skip: gpuBuildInstalled && 'onnxruntime-node\'s GPU build is installed here' }, async () => {
  const budget = await fresh();
  await assert.rejects(onnxSession(await scaleModel(5), { label: 'scale-5', executionProviders: ['cuda'] }), (e: Error & { code: string }) => {
    assert.equal(e.code, 'E_PROVIDER_UNAVAILABLE');
    assert.match(e.message, /cannot load the ONNX model scale-5 on any of cuda: cuda: not installed .*add 'cpu' to executionProviders/);
    return true;
  });
  assert.deepEqual(budget.usage(), { residentMb: 0, gpuTokens: 0, ownMb: 0, ownGpuTokens: 0 }, 'nothing is held after a failed load');
});

test('when ORT itself cannot load the CUDA provider (libraries present, no usable GPU) the model falls back to the CPU with ORT\'s reason, and the GPU token it waited for is given back', async (t) => {
  const budget = await fresh();
  // Stand-in provider files make the pre-check pass, so ORT is asked and fails as on a machine
  // with the GPU build but no usable GPU or CUDA libraries.
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-ort-libs-'));
  t.after(async () => { checkProviderLibrariesIn(undefined); await rm(dir, { recursive: true, force: true }); });
  for (const f of ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so']) await writeFile(join(dir, f), '');
  checkProviderLibrariesIn(dir);
  const other = new ModelBudget(budget.buffer, 9001);
  assert.equal(other.tryTakeGpu(), true, 'another stage holds the only GPU token');
  const log = logger();
  let loaded: OnnxSession | undefined;
  const stage = withModelLease(undefined, async () => {
    loaded = await onnxSession(await scaleModel(7), { label: 'scale-7', executionProviders: ['cuda', 'cpu'], log });
    return budget.usage().ownGpuTokens;
  });
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  assert.equal(loaded, undefined, 'the CUDA attempt waits for the GPU token');
  other.releaseGpu();
  const tokensHeldAtTheEnd = await stage;
  assert.equal(loaded!.provider, 'cpu');
  assert.equal(await run(loaded!, 1), 7);
  assert.equal(tokensHeldAtTheEnd, 0, 'running on the CPU, the stage does not keep a GPU token');
  assert.match(log.lines.at(-1)!.msg!, gpuBuildInstalled ? /runs on/ : /runs on cpu \(cuda: .*Failed to load shared library/);
  await releaseOnnxSessions();
});

test('a file that is not an ONNX model, or is missing, is a coded error that says what to do', async () => {
  await fresh();
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-bad-model-'));
  try {
    await writeFile(join(dir, 'model.onnx'), 'this is not a protobuf');
    await assert.rejects(onnxSession(join(dir, 'model.onnx'), { label: 'broken', executionProviders: ['cuda', 'cpu'] }), (e: Error & { code: string }) => {
      assert.equal(e.code, 'E_PROVIDER_UNAVAILABLE');
      assert.match(e.message, /^broken: .*model\.onnx is not a loadable ONNX model \(.*\); check the model with `dubarr models verify`/);
      return true;
    });
    await assert.rejects(onnxSession(join(dir, 'absent.onnx'), { label: 'gone' }), { code: 'E_MODEL_MISSING', message: /the model file .*absent\.onnx \(gone\) is missing/ });
    assert.deepEqual(loadedOnnxSessions(), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a model without the inputs the provider feeds is refused by name', async () => {
  await fresh();
  await assert.rejects(onnxSession(await scaleModel(3), { label: 'scale-3', expect: { inputs: ['input_features'], outputs: ['y'] } }),
    { code: 'E_PROVIDER_UNAVAILABLE', message: 'scale-3 is not the model this provider runs: it lacks input input_features' });
  assert.deepEqual(loadedOnnxSessions(), [], 'the wrong session is not kept');
});

test('the providers\' executionProviders and threads options default to models.executionProviders and models.threads', (t) => {
  t.after(() => setOnnxDefaults({ executionProviders: ['cpu'], threads: 1 }));
  const options = z.object(onnxRuntimeOptions);
  assert.deepEqual(options.parse({}), { executionProviders: ['cpu'], threads: 1 });
  setOnnxDefaults({ executionProviders: ['cuda', 'cpu'], threads: 3 });
  assert.deepEqual(options.parse({}), { executionProviders: ['cuda', 'cpu'], threads: 3 });
  assert.deepEqual(options.parse({ executionProviders: ['cpu'], threads: 2 }), { executionProviders: ['cpu'], threads: 2 }, 'a provider\'s own setting wins');
  assert.equal(options.safeParse({ executionProviders: ['cpu', 'cpu'] }).success, false);
  assert.equal(options.safeParse({ executionProviders: ['gpu'] }).success, false);
});

test('models.threads is the default thread count of sessions that ask for none', async (t) => {
  await fresh();
  t.after(() => setOnnxDefaults({ threads: 1 }));
  const log = logger();
  setOnnxDefaults({ threads: 2 });
  await onnxSession(await scaleModel(3), { label: 'scale-3', log });
  await onnxSession(await scaleModel(3), { label: 'scale-3', log, threads: 1 });
  assert.deepEqual(log.lines.map((l) => l.obj.threads), [2, 1], 'two sessions: the default, then the provider\'s own');
  await releaseOnnxSessions();
});

test('memory: a model that would pass maxResidentMb while the others are in use fails with a retryable E_MODEL_MEMORY and asks the other threads for room', async () => {
  const budget = await fresh({ maxResidentMb: 10, gpuConcurrency: 1 });
  const a = await scaleModel(2);
  const b = await scaleModel(3);
  let release!: () => void;
  const holding = new Promise<void>((r) => { release = r; });
  let loaded!: () => void;
  const aLoaded = new Promise<void>((r) => { loaded = r; });
  const first = withModelLease(undefined, async () => {
    await onnxSession(a, { label: 'a', residentMb: 6 });
    loaded();
    await holding;
  });
  await aLoaded;
  const pressure = budget.pressure().generation;
  await assert.rejects(withModelLease(undefined, () => onnxSession(b, { label: 'b', residentMb: 6 })), (e: Error & { code: string; retryable: boolean }) => {
    assert.equal(e.code, 'E_MODEL_MEMORY');
    assert.equal(e.retryable, true);
    assert.match(e.message, /no room to load the model b \(6 MB\): 6 MB of models\.maxResidentMb \(10 MB\) are held by models in use/);
    return true;
  });
  assert.deepEqual(budget.pressure(), { generation: pressure + 1, mb: 6 });
  assert.deepEqual(loadedOnnxSessions().map((s) => [s.label, s.busy]), [['a', true]], 'a model in use is never released');
  release();
  await first;
  // Now a is idle: it is released to make room, and b loads.
  const s = await withModelLease(undefined, async () => run(await onnxSession(b, { label: 'b', residentMb: 6 }), 1));
  assert.equal(s, 3);
  assert.deepEqual(loadedOnnxSessions().map((x) => x.label), ['b']);
  assert.equal(budget.usage().residentMb, 6);
  await releaseOnnxSessions();
  assert.equal(budget.usage().residentMb, 0);
});

test('memory: idle models are released least recently used first, and only as many as needed', async () => {
  const budget = await fresh({ maxResidentMb: 12, gpuConcurrency: 1 });
  const [a, b, c] = await Promise.all([scaleModel(2), scaleModel(3), scaleModel(4)]);
  const log = logger();
  const use = (path: string, label: string) => withModelLease(undefined, async () => run(await onnxSession(path, { label, residentMb: 5, log }), 1));
  await use(a, 'a');
  await use(b, 'b');
  await use(a, 'a'); // a is now the most recently used
  assert.equal(await use(c, 'c'), 4);
  assert.deepEqual(loadedOnnxSessions().map((s) => s.label), ['a', 'c'], 'b (least recently used) made room; a stays');
  assert.match(log.lines.find((l) => /released/.test(l.msg ?? ''))!.msg!, /released the idle ONNX model b to make room for c/);
  assert.equal(budget.usage().residentMb, 10);
  await releaseOnnxSessions();
});

test('memory: a model larger than maxResidentMb itself says to raise it', async () => {
  await fresh({ maxResidentMb: 10, gpuConcurrency: 1 });
  await assert.rejects(onnxSession(await scaleModel(2), { label: 'huge', residentMb: 11 }),
    { code: 'E_MODEL_MEMORY', message: /the model huge takes 11 MB, more than models\.maxResidentMb \(10 MB\) allows at all: raise models\.maxResidentMb/ });
});

test('memory: when another thread asks for room, this thread releases its idle models until the asked-for megabytes fit', async () => {
  const budget = await fresh({ maxResidentMb: 14, gpuConcurrency: 1 });
  const [a, b] = await Promise.all([scaleModel(2), scaleModel(3)]);
  await withModelLease(undefined, async () => { await onnxSession(a, { label: 'a', residentMb: 4 }); });
  await withModelLease(undefined, async () => { await onnxSession(b, { label: 'b', residentMb: 4 }); });
  const otherThread = new ModelBudget(budget.buffer, 9002);
  assert.equal(otherThread.tryReserveMb(4), true);
  assert.equal(otherThread.tryReserveMb(6), false, '4 + 4 + 4 held, 6 more do not fit');
  const seen = otherThread.releases();
  otherThread.askForRoom(6);
  await otherThread.nextRelease(seen);
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  assert.deepEqual(loadedOnnxSessions().map((s) => s.label), ['b'], 'a (least recently used) was enough');
  assert.equal(otherThread.tryReserveMb(6), true, '4 (theirs) + 4 (b) + 6 fit');
  await releaseOnnxSessions();
});
