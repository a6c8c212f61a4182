/**
 * The one piscina worker: runs any stage entry inside a worker thread. Control and telemetry
 * travel over a per-task MessagePort (abort in; progress and log lines out); cancellation also
 * arrives as a shared flag that native code polls while this thread is busy in C++.
 * This module must not touch the database: connections do not cross threads.
 */
import { isMainThread, workerData, type MessagePort } from 'node:worker_threads';
import { DubarrError, type SerializedError } from '../../plugins/sdk/errors.js';
import { installModelBudget } from '../../plugins/sdk/model-budget.js';
import { withModelLease } from '../../plugins/sdk/model-lease.js';
import { setModelsDir } from '../../plugins/sdk/models.js';
import { setOnnxDefaults } from '../../plugins/sdk/onnx-session.js';
import { setProviderCacheDir } from '../../plugins/sdk/provider-cache.js';
import type { CostMeter, Spend } from '../../plugins/sdk/cost.js';
import type { Logger, StageContext, StageInput, StageResult } from '../../plugins/sdk/plugin.js';
import { loadStageEntry } from './load-stage.js';
import { lowerThisThreadPriority } from './stage-priority.js';

// Once per worker thread, when piscina loads this module in it (never the server's own thread,
// should this module ever be imported there).
if (!isMainThread) {
  lowerThisThreadPriority();
  const data = workerData as import('./stage-pool.js').StageWorkerData | undefined;
  if (data?.modelsDir) setModelsDir(data.modelsDir);
  if (data?.providerCacheDir) setProviderCacheDir(data.providerCacheDir);
  if (data?.modelBudget) installModelBudget(data.modelBudget);
  if (data?.onnxDefaults) setOnnxDefaults(data.onnxDefaults);
}

export interface WorkerTask {
  entry: string;
  input: StageInput;
  workDir: string;
  cancelFlag: Int32Array;
  port: MessagePort;
  /** StageContext.parallelism, decided by the pool. */
  parallelism: number;
}

export type WorkerReply = { ok: true; result: StageResult } | { ok: false; error: SerializedError };

export type PortMessage =
  | { t: 'progress'; fraction: number; note?: string }
  | { t: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; obj: unknown; msg?: string }
  | CostCall;

/** The cost ledger lives on the main thread (it is in the database): reached by call and answer. */
export type CostCall =
  | { t: 'cost'; call: number; op: 'reserve'; spend: Spend }
  | { t: 'cost'; call: number; op: 'settle'; reservation: number; quantity?: number }
  | { t: 'cost'; call: number; op: 'release'; reservation: number }
  | { t: 'cost'; call: number; op: 'reused'; spend: Spend };

/** The main thread's answer to a CostCall: a reservation number, or the error to throw. */
export type CostAnswer = { t: 'cost-answer'; call: number; reservation?: number; error?: SerializedError };


const PROGRESS_INTERVAL_MS = 100;

export default async function runStageTask(task: WorkerTask): Promise<WorkerReply> {
  const { port, cancelFlag } = task;
  const ac = new AbortController();
  const answers = new Map<number, { resolve(a: CostAnswer): void }>();
  port.on('message', (m: unknown) => {
    if (m === 'abort') ac.abort();
    else if ((m as CostAnswer)?.t === 'cost-answer') {
      const a = m as CostAnswer;
      answers.get(a.call)?.resolve(a);
      answers.delete(a.call);
    }
  });
  if (Atomics.load(cancelFlag, 0) !== 0) ac.abort();
  const send = (m: PortMessage) => port.postMessage(m);
  // At most one report per interval; the last one held back goes out at the interval's end, so
  // a burst followed by quiet work still shows where the stage stands.
  let lastProgress = 0;
  let heldProgress: { fraction: number; note?: string } | undefined;
  let progressTimer: NodeJS.Timeout | undefined;
  const sendProgress = (p: { fraction: number; note?: string }) => {
    clearTimeout(progressTimer);
    progressTimer = undefined;
    heldProgress = undefined;
    lastProgress = Date.now();
    send({ t: 'progress', ...p });
  };
  const logAt = (level: 'debug' | 'info' | 'warn' | 'error') => (obj: object | string, msg?: string) => send({ t: 'log', level, obj, msg });
  const log: Logger = { debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error') };
  let calls = 0;
  const ask = (c: Omit<Extract<CostCall, { op: string }>, 'call' | 't'>) => new Promise<number | undefined>((resolve, reject) => {
    const call = ++calls;
    answers.set(call, { resolve: (a) => (a.error ? reject(DubarrError.fromJSON(a.error)) : resolve(a.reservation)) });
    send({ t: 'cost', call, ...c } as CostCall);
  });
  const cost: CostMeter = {
    async reserve(spend) {
      const reservation = (await ask({ op: 'reserve', spend } as never))!;
      return {
        settle: async (quantity?: number) => { await ask({ op: 'settle', reservation, quantity } as never); },
        release: async () => { await ask({ op: 'release', reservation } as never); },
      };
    },
    reused(spend) { send({ t: 'cost', call: ++calls, op: 'reused', spend }); },
  };
  const ctx: StageContext = {
    signal: ac.signal,
    cost,
    cancelFlag,
    log,
    workDir: task.workDir,
    parallelism: task.parallelism,
    progress(fraction, note) {
      const now = Date.now();
      if (fraction >= 1 || now - lastProgress >= PROGRESS_INTERVAL_MS) { sendProgress({ fraction, note }); return; }
      heldProgress = { fraction, note };
      progressTimer ??= setTimeout(() => { if (heldProgress) sendProgress(heldProgress); }, lastProgress + PROGRESS_INTERVAL_MS - now);
    },
  };
  try {
    const run = await loadStageEntry(task.entry);
    // defineStage opens the stage's model lease; this one covers a stage made without it, so
    // its sessions and GPU token are given back when it returns, not kept by the thread.
    const result = await withModelLease(ctx.signal, () => run(task.input, ctx));
    return { ok: true, result: result ?? {} };
  } catch (e) {
    const err = DubarrError.from(ac.signal.aborted && !(e instanceof DubarrError) ? new DubarrError('E_CANCELLED', 'Cancelled', { cause: e }) : e);
    return { ok: false, error: err.toJSON() };
  } finally {
    clearTimeout(progressTimer);
    port.close();
  }
}
