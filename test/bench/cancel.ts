/**
 * `npm run bench -- cancel`: how long work takes to stop once cancelled. The pass/fail suite
 * only checks that it stops (E_CANCELLED, nothing left behind); the latencies are here.
 *  (a) native operations on a two-hour file, aborted at their first progress report:
 *      abort -> rejection, and a sync decode in a worker: flag set -> return (goal < 200 ms);
 *  (b) the runtime: cancel -> job.cancelled for an async worker stage, a thread blocked like
 *      native code, and a stage that ignores cancellation (terminated after cancelGraceMs);
 *      the same for a no-op job's whole run (submit -> succeeded) as the baseline;
 *  (c) across processes: `dubarr jobs cancel` against a job a `dubarr dub` process is running,
 *      until the job row says cancelled (includes starting the CLI process).
 * Medians of RUNS, with the worst.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  createCancelFlag, decodeToWav, measureLoudness, remux, requestCancel, runFilterGraph, type OperationOptions,
} from '../../native/lib/index.js';
import { twoHourMkv, toneM4a } from '../fixtures/media.js';
import { scratchDir } from '../medium/native/scratch.js';
import { exited, poll, workspace } from '../medium/core/cli-harness.js';
import { finished, testRuntime, waitFor } from '../medium/core/harness.js';

const RUNS = 5;

interface Stat { median: number; max: number }
function stat(xs: number[]): Stat {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, max: s.at(-1)! };
}
const fmt = (s: Stat) => `${s.median.toFixed(1)} ms (worst ${s.max.toFixed(1)})`;

/** Abort at the first progress report; ms from abort to rejection. */
async function abortLatency(op: (o: OperationOptions) => Promise<unknown>): Promise<number> {
  const ac = new AbortController();
  let at = 0;
  const p = op({ signal: ac.signal, onProgress: () => { if (!at) { at = performance.now(); ac.abort(); } } });
  const outcome = await p.then(() => 'finished', (e: { code?: string }) => e.code);
  if (outcome !== 'E_CANCELLED') throw new Error(`expected E_CANCELLED, got ${outcome}`);
  return performance.now() - at;
}

/** A sync decode in a worker; the main thread sets the flag at its first progress report. */
async function workerFlagLatency(input: string, out: string): Promise<number> {
  const flag = createCancelFlag();
  const setAt = new Float64Array(new SharedArrayBuffer(8));
  const lib = new URL('../../native/lib/index.js', import.meta.url).href;
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     import(workerData.lib).then((n) => {
       let code = 'finished', sent = false;
       const onProgress = () => { if (!sent) { sent = true; parentPort.postMessage('running'); } };
       try { n.decodeToWavSync(workerData.input, workerData.out, { sampleRate: 48000, cancelFlag: workerData.flag, onProgress }); } catch (e) { code = e.code; }
       parentPort.postMessage({ code, ms: performance.timeOrigin + performance.now() - workerData.setAt[0] });
     });`,
    { eval: true, workerData: { lib, input, out, flag, setAt } },
  );
  try {
    const r = await new Promise<{ code: string; ms: number }>((resolve, reject) => {
      worker.on('message', (m: 'running' | { code: string; ms: number }) => {
        if (m !== 'running') return resolve(m);
        setAt[0] = performance.timeOrigin + performance.now();
        requestCancel(flag);
      });
      worker.on('error', reject);
    });
    if (r.code !== 'E_CANCELLED') throw new Error(`worker decode: expected E_CANCELLED, got ${r.code}`);
    return r.ms;
  } finally {
    await worker.terminate();
  }
}

async function native(): Promise<Record<string, Stat>> {
  const dir = scratchDir('bench-cancel');
  const input = await twoHourMkv();
  const dub = await toneM4a(660, 4);
  const ops: Record<string, (o: OperationOptions) => Promise<unknown>> = {
    decode: (o) => decodeToWav(input, join(dir, 'x.wav'), { ...o, sampleRate: 48000 }),
    remux: (o) => remux({ source: input, out: join(dir, 'x.mkv'), audio: [{ path: dub, language: 'spa' }] }, o),
    filter: (o) => runFilterGraph({ inputs: [input], graph: 'atempo=1.1', out: join(dir, 'x.flac'), codec: 'flac', ...o }),
    loudness: (o) => measureLoudness(input, o),
  };
  const out: Record<string, Stat> = {};
  for (const [name, op] of Object.entries(ops)) {
    const xs: number[] = [];
    for (let i = 0; i < RUNS; i++) xs.push(await abortLatency(op));
    out[name] = stat(xs);
  }
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) xs.push(await workerFlagLatency(input, join(dir, 'w.wav')));
  out.worker_flag = stat(xs);
  return out;
}

const one = (capability: string, params: Record<string, unknown> = {}) => ({ steps: [{ id: 'only', capability, inputs: { source: 'source' }, params }] });

async function runtime(): Promise<Record<string, Stat>> {
  const kinds: Record<string, ReturnType<typeof one>> = {
    async_stage: one('slow', { untilCancelled: true }),
    blocked_thread: one('native-like'),
    ignores_cancel: one('native-like', { ignoreCancel: true }),
  };
  const t = await testRuntime({ ...kinds, noop: one('noop') }, { workers: { threads: 1, cancelGraceMs: 500 } });
  try {
    const out: Record<string, Stat> = {};
    const noop: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const job = t.rt.scheduler.submit({ input: t.input, preset: 'noop', targetLanguages: [], origin: 'cli' });
      await finished(t, job.id);
      noop.push(performance.now() - t0);
    }
    out.noop_job = stat(noop);
    for (const [name, preset] of Object.keys(kinds).map((k) => [k, k] as const)) {
      const xs: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const job = t.rt.scheduler.submit({ input: t.input, preset, targetLanguages: [], origin: 'cli' });
        await waitFor(t, (e) => e.jobId === job.id && e.type === 'job.progress' && e.data?.note === 'started');
        const t0 = performance.now();
        t.rt.scheduler.cancel(job.id);
        const done = await finished(t, job.id);
        if (done.status !== 'cancelled') throw new Error(`${name}: ${done.status}`);
        xs.push(performance.now() - t0);
      }
      out[name] = stat(xs);
    }
    return out;
  } finally {
    await t.close();
  }
}

async function crossProcess(): Promise<Stat> {
  const w = await workspace('bench-cancel');
  const s = w.store();
  try {
    const xs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const dubber = w.cli('dub', w.input, '--preset', 'long');
      const job = await poll(() => s.listJobs().find((j) => j.status === 'running'), 30_000, 'a running job');
      const t0 = performance.now();
      const r = await w.run('jobs', 'cancel', job.id);
      if (r.code !== 0) throw new Error(`jobs cancel: ${r.err}`);
      await poll(() => (s.getJob(job.id).status === 'cancelled' ? true : undefined), 30_000, 'the cancel');
      xs.push(performance.now() - t0);
      await exited(dubber);
    }
    return stat(xs);
  } finally {
    s.db.close();
    await rm(w.dir, { recursive: true, force: true });
  }
}

export default async function bench(): Promise<void> {
  const n = await native();
  for (const [name, s] of Object.entries(n)) console.log(`(a) native ${name.padEnd(12)} stops ${fmt(s)} after the cancel; goal < 200 ms`);
  const r = await runtime();
  console.log(`(b) runtime baseline: a no-op job runs end to end in ${fmt(r.noop_job!)}`);
  for (const name of ['async_stage', 'blocked_thread', 'ignores_cancel']) {
    console.log(`(b) runtime ${name.padEnd(15)} cancelled ${fmt(r[name]!)} after the cancel (${(r[name]!.median / r.noop_job!.median).toFixed(1)}x a no-op job); goal < 2000 ms`);
  }
  const cross = await crossProcess();
  console.log(`(c) dubarr jobs cancel -> row cancelled: ${fmt(cross)}; goal < 2000 ms`);
  const kv = (prefix: string, o: Record<string, Stat>) => Object.entries(o).map(([k, s]) => `${prefix}${k}_ms=${s.median.toFixed(1)} ${prefix}${k}_worst_ms=${s.max.toFixed(1)}`).join(' ');
  console.log(`RESULT cancel ${kv('native_', n)} ${kv('runtime_', r)} cross_process_ms=${cross.median.toFixed(0)} cross_process_worst_ms=${cross.max.toFixed(0)}`);
}
