/**
 * Cancellation on a two-hour input: AbortSignal and a shared flag set from another thread
 * both stop native work within 200 ms, the error is E_CANCELLED, and nothing is left on disk.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  createCancelFlag,
  decodeToWav,
  measureLoudness,
  openAudioStream,
  remux,
  requestCancel,
  runFilterGraph,
  type NativeError,
  type OperationOptions,
} from '../../../native/lib/index.js';
import * as media from '../../fixtures/media.js';
import { scratchDir, settledLeftovers } from './scratch.js';

const dir = scratchDir('cancel');
const BOUND_MS = 200;

/** Starts `op`, aborts at its first progress report, and measures abort -> rejection. */
async function abortMidway(op: (opts: OperationOptions) => Promise<unknown>): Promise<number> {
  const controller = new AbortController();
  let abortedAt = 0;
  const started = op({
    signal: controller.signal,
    onProgress: (p) => {
      if (abortedAt === 0 && p.seconds > 0) {
        abortedAt = performance.now();
        controller.abort();
      }
    },
  });
  await assert.rejects(started, (e: NativeError) => (assert.equal(e.code, 'E_CANCELLED', e.message), true));
  assert.ok(abortedAt > 0, 'the operation was still running when aborted');
  return performance.now() - abortedAt;
}

describe('cancellation', () => {
  it('decodeToWav stops within the bound and leaves no file', async (t) => {
    const input = await media.twoHourMkv();
    const target = join(dir, 'long.wav');
    const ms = await abortMidway((o) => decodeToWav(input, target, { ...o, sampleRate: 48000 }));
    t.diagnostic(`decodeToWav stopped ${ms.toFixed(1)} ms after abort`);
    assert.ok(ms < BOUND_MS, `took ${ms.toFixed(1)} ms`);
    assert.equal(existsSync(target), false);
    assert.deepEqual(await settledLeftovers(dir), []);
  });

  it('remux, filter graphs and loudness stop within the bound', async (t) => {
    const input = await media.twoHourMkv();
    const dub = await media.toneM4a(660, 4);
    for (const [name, op] of [
      ['remux', (o: OperationOptions) => remux({ source: input, out: join(dir, 'long.mkv'), audio: [{ path: dub, language: 'spa' }] }, o)],
      ['runFilterGraph', (o: OperationOptions) => runFilterGraph({ inputs: [input], graph: 'atempo=1.1', out: join(dir, 'long.flac'), codec: 'flac', ...o })],
      ['measureLoudness', (o: OperationOptions) => measureLoudness(input, o)],
    ] as const) {
      const ms = await abortMidway(op);
      t.diagnostic(`${name} stopped ${ms.toFixed(1)} ms after abort`);
      assert.ok(ms < BOUND_MS, `${name} took ${ms.toFixed(1)} ms`);
    }
    assert.deepEqual(await settledLeftovers(dir), []);
    assert.equal(existsSync(join(dir, 'long.mkv')), false);
  });

  it('a flag set from another thread stops a sync decode in a worker', async (t) => {
    const flag = createCancelFlag();
    // When the flag was set, on the clock both threads share; the worker measures up to the
    // moment the sync call returns to it, which is what "returns within the bound" means.
    const setAt = new Float64Array(new SharedArrayBuffer(8));
    const lib = new URL('../../../native/lib/index.js', import.meta.url).href;
    const worker = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       import(workerData.lib).then((n) => {
         parentPort.postMessage('started');
         let code = 'finished';
         try { n.decodeToWavSync(workerData.input, workerData.out, { cancelFlag: workerData.flag }); } catch (e) { code = e.code; }
         const returnedAt = performance.timeOrigin + performance.now();
         parentPort.postMessage({ code, ms: returnedAt - workerData.setAt[0] });
       });`,
      { eval: true, workerData: { lib, input: await media.twoHourMkv(), out: join(dir, 'worker.wav'), flag, setAt } },
    );
    const result = await new Promise<{ code: string; ms: number }>((resolve, reject) => {
      worker.on('message', (m: 'started' | { code: string; ms: number }) => {
        if (m !== 'started') return resolve(m);
        setTimeout(() => {
          setAt[0] = performance.timeOrigin + performance.now();
          requestCancel(flag);
        }, 300);
      });
      worker.on('error', reject);
    });
    await worker.terminate();
    assert.equal(result.code, 'E_CANCELLED');
    t.diagnostic(`decodeToWavSync in a worker returned ${result.ms.toFixed(1)} ms after the flag was set`);
    assert.ok(result.ms < BOUND_MS, `took ${result.ms.toFixed(1)} ms`);
    assert.equal(existsSync(join(dir, 'worker.wav')), false);
  });

  it('a streaming read rejects once the signal aborts', async () => {
    const controller = new AbortController();
    const stream = await openAudioStream(await media.twoHourMkv(), { signal: controller.signal, chunkSeconds: 60 });
    assert.ok(await stream.read());
    controller.abort();
    await assert.rejects(stream.read(), (e: NativeError) => e.code === 'E_CANCELLED');
  });

  it('an already aborted signal fails before any work; a throwing progress callback cancels and surfaces', async () => {
    const input = await media.twoHourMkv();
    const started = performance.now();
    await assert.rejects(decodeToWav(input, join(dir, 'x.wav'), { signal: AbortSignal.abort() }), (e: NativeError) => e.code === 'E_CANCELLED');
    assert.ok(performance.now() - started < 50);
    const boom = new Error('listener failed');
    await assert.rejects(
      decodeToWav(input, join(dir, 'y.wav'), {
        onProgress: () => {
          throw boom;
        },
      }),
      (e) => e === boom,
    );
    assert.deepEqual(await settledLeftovers(dir), []);
  });
});
