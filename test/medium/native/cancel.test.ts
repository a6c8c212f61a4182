/**
 * Cancellation of long native work: an AbortSignal, and a shared flag set from another thread,
 * stop it with E_CANCELLED and nothing is left on disk. Every cancel is tied to the work, never
 * to a clock: it comes from inside the operation's first progress report, while the rest of the
 * input is held back (held-back-input.ts) or the worker is parked in that report, so the work
 * cannot finish first on any machine. How fast it stops is measured by `npm run bench -- cancel`.
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
import { heldBackInput } from './held-back-input.js';
import { scratchDir, settledLeftovers } from './scratch.js';

const dir = scratchDir('cancel');
const isCancelled = (e: NativeError) => (assert.equal(e.code, 'E_CANCELLED', e.message), true);

/**
 * Runs `op` on the two-hour file fed through a pipe, aborts at its first progress report and
 * only then lets the rest of the input through: the operation must reject with E_CANCELLED.
 */
async function cancelMidway(name: string, op: (input: string, opts: OperationOptions) => Promise<unknown>): Promise<void> {
  const input = heldBackInput(await media.twoHourMkv(), dir, name);
  const controller = new AbortController();
  let reports = 0;
  try {
    const started = op(input.path, {
      signal: controller.signal,
      onProgress: () => {
        if (reports++ > 0) return;
        controller.abort();
        input.release();
      },
    });
    await assert.rejects(started, isCancelled);
    assert.ok(reports > 0, `${name}: the operation was aborted from its first progress report`);
  } finally {
    await input.close();
  }
}

describe('cancellation', () => {
  it('decodeToWav stops at the abort and leaves no file', async () => {
    const target = join(dir, 'long.wav');
    await cancelMidway('decode', (input, o) => decodeToWav(input, target, { ...o, sampleRate: 48000 }));
    assert.equal(existsSync(target), false);
    assert.deepEqual(await settledLeftovers(dir), []);
  });

  it('remux, filter graphs and loudness stop at the abort and leave no file', async () => {
    const dub = await media.toneM4a(660, 4);
    await cancelMidway('remux', (input, o) => remux({ source: input, out: join(dir, 'long.mkv'), audio: [{ path: dub, language: 'spa' }] }, o));
    await cancelMidway('filter', (input, o) => runFilterGraph({ inputs: [input], graph: 'atempo=1.1', out: join(dir, 'long.flac'), codec: 'flac', ...o }));
    await cancelMidway('loudness', (input, o) => measureLoudness(input, o));
    assert.deepEqual(await settledLeftovers(dir), []);
    assert.equal(existsSync(join(dir, 'long.mkv')), false);
    assert.equal(existsSync(join(dir, 'long.flac')), false);
  });

  it('a flag set from another thread stops a sync decode in a worker', async () => {
    const flag = createCancelFlag();
    const lib = new URL('../../../native/lib/index.js', import.meta.url).href;
    // The worker parks inside its first progress report until the main thread has set the
    // flag, so the decode is certainly still running when the flag is set.
    const worker = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       import(workerData.lib).then((n) => {
         let code = 'finished';
         const onProgress = () => {
           if (Atomics.load(workerData.flag, 0) !== 0) return;
           parentPort.postMessage('running');
           Atomics.wait(workerData.flag, 0, 0);
         };
         try { n.decodeToWavSync(workerData.input, workerData.out, { cancelFlag: workerData.flag, onProgress }); } catch (e) { code = e.code; }
         parentPort.postMessage({ code });
       });`,
      { eval: true, workerData: { lib, input: await media.twoHourMkv(), out: join(dir, 'worker.wav'), flag } },
    );
    try {
      const result = await new Promise<{ code: string }>((resolve, reject) => {
        worker.on('message', (m: 'running' | { code: string }) => {
          if (m !== 'running') return resolve(m);
          requestCancel(flag);
          Atomics.notify(flag, 0);
        });
        worker.on('error', reject);
      });
      assert.equal(result.code, 'E_CANCELLED');
    } finally {
      await worker.terminate();
    }
    assert.equal(existsSync(join(dir, 'worker.wav')), false);
    assert.deepEqual(await settledLeftovers(dir), []);
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
    let reports = 0;
    await assert.rejects(
      decodeToWav(input, join(dir, 'x.wav'), { signal: AbortSignal.abort(), onProgress: () => { reports++; } }),
      isCancelled,
    );
    assert.equal(reports, 0, 'no progress: the decode never started');
    assert.equal(existsSync(join(dir, 'x.wav')), false);
    const boom = new Error('listener failed');
    const held = heldBackInput(input, dir, 'throwing');
    try {
      await assert.rejects(
        decodeToWav(held.path, join(dir, 'y.wav'), {
          onProgress: () => {
            held.release();
            throw boom;
          },
        }),
        (e) => e === boom,
      );
    } finally {
      await held.close();
    }
    assert.equal(existsSync(join(dir, 'y.wav')), false);
    assert.deepEqual(await settledLeftovers(dir), []);
  });
});
