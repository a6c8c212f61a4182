import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DubarrError } from '../../../plugins/sdk/errors.js';
import { createModelBudget, ModelBudget } from '../../../plugins/sdk/model-budget.js';
import type { StageResult } from '../../../plugins/sdk/plugin.js';
import { StagePool } from '../../../core/workers/stage-pool.js';
import { buildTinyModel } from '../../fixtures/tiny-models.js';
import { TEST_PLUGINS_DIR } from './harness.js';

// The model budget is one SharedArrayBuffer handed to every worker thread through piscina's
// workerData: what a worker's sessions and GPU token take is seen by the main thread and by
// the other workers, and given back when the worker's thread ends.

const entry = `file://${join(TEST_PLUGINS_DIR, 'test-stages', 'onnx-model.js')}`;
const model = async (factor: number) => join(await buildTinyModel('scale.py', [String(factor)]), 'scale.onnx');

interface Running { done: Promise<StageResult | DubarrError>; stop: AbortController; holding: Promise<void> }

async function setUp(threads: number, limits: { maxResidentMb: number; gpuConcurrency: number }) {
  const buffer = createModelBudget(limits);
  const pool = new StagePool({ threads, idleTimeoutMs: 60_000, cancelGraceMs: 5000, modelBudget: buffer });
  const workDir = await mkdtemp(join(tmpdir(), 'dubarr-model-pool-'));
  const start = (options: object): Running => {
    const stop = new AbortController();
    let held!: () => void;
    const holding = new Promise<void>((r) => { held = r; });
    const done = pool.run({
      entry, input: { options, params: {}, inputs: {} }, workDir, signal: stop.signal,
      cancelFlag: new Int32Array(new SharedArrayBuffer(4)),
      onProgress: (_f, note) => { if (note === 'holding') held(); }, onLog: () => undefined,
    }).catch((e: DubarrError) => e);
    return { done, stop, holding };
  };
  // The main thread's view, as the runtime's own thread sees the budget.
  const main = new ModelBudget(buffer, 1);
  const close = async () => { await pool.close(); await rm(workDir, { recursive: true, force: true }); };
  return { pool, start, main, close };
}

test('a worker\'s loaded sessions count for the whole process; in one thread the idle one is released to make room', async () => {
  const { start, main, close } = await setUp(1, { maxResidentMb: 10, gpuConcurrency: 1 });
  try {
    const first = await start({ model: await model(2), residentMb: 6, then: 'return' }).done;
    assert.equal((first as StageResult<{ residentMb: number }>).data!.residentMb, 6);
    assert.equal(main.usage().residentMb, 6, 'the session stays loaded in the worker after the stage, and the main thread sees it');
    const second = await start({ model: await model(3), residentMb: 6, then: 'return' }).done;
    assert.equal((second as StageResult<{ residentMb: number }>).data!.residentMb, 6, 'the idle 6 MB model made room for the other');
    assert.equal(main.usage().residentMb, 6);
  } finally {
    await close();
  }
});

test('across threads: a model that does not fit beside another thread\'s busy one fails E_MODEL_MEMORY; once idle, that one is released when room is asked for, and the retry loads', async () => {
  const { start, main, close } = await setUp(2, { maxResidentMb: 10, gpuConcurrency: 1 });
  try {
    const a = await model(2);
    const b = await model(3);
    const holder = start({ model: a, residentMb: 6, then: 'hold' });
    await holder.holding;
    const refused = await start({ model: b, residentMb: 6, then: 'return' }).done;
    assert.ok(refused instanceof DubarrError);
    assert.equal(refused.code, 'E_MODEL_MEMORY');
    assert.equal(refused.retryable, true);
    holder.stop.abort();
    assert.equal((await holder.done as DubarrError).code, 'E_CANCELLED');
    // Idle now, but still loaded in its thread, which listens for requests for room: asked
    // (as a stage that found no room does), it releases the model, and then the load fits.
    assert.equal(main.usage().residentMb, 6);
    const seen = main.releases();
    main.askForRoom(6);
    await main.nextRelease(seen);
    assert.equal(main.usage().residentMb, 0);
    const retried = await start({ model: b, residentMb: 6, then: 'return' }).done;
    assert.equal((retried as StageResult<{ residentMb: number }>).data!.residentMb, 6);
  } finally {
    await close();
  }
});

test('the GPU token is shared across worker threads, and a thread that dies holding one (and models) gives them back', async () => {
  const { start, main, close } = await setUp(2, { maxResidentMb: 10, gpuConcurrency: 1 });
  try {
    const first = start({ gpu: true, then: 'hold' });
    await first.holding;
    assert.equal(main.tryTakeGpu(), false, 'the worker holds the only token');
    const second = start({ gpu: true, then: 'hold' });
    first.stop.abort();
    await first.done;
    await second.holding;
    assert.equal(main.usage().gpuTokens, 1, 'the second stage got the token the first gave back');
    second.stop.abort();
    await second.done;
    assert.equal(main.usage().gpuTokens, 0);

    let seen = main.releases();
    const crashed = await start({ model: await model(2), residentMb: 6, gpu: true, then: 'crash' }).done;
    assert.equal((crashed as DubarrError).code, 'E_WORKER_CRASHED');
    // The pool frees the dead thread's share when its 'exit' event comes, which may follow the
    // failed task: wait for that release, not for a time.
    while (main.usage().residentMb !== 0) {
      await main.nextRelease(seen);
      seen = main.releases();
    }
    assert.deepEqual([main.usage().residentMb, main.usage().gpuTokens], [0, 0], 'freed when the thread exited');
  } finally {
    await close();
  }
});
