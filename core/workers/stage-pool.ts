import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { holderOf, ModelBudget } from '../../plugins/sdk/model-budget.js';
import type { OnnxDefaults } from '../../plugins/sdk/onnx-session.js';
import type { StageInput, StageResult } from '../../plugins/sdk/plugin.js';
import { UNMETERED, type CostMeter, type CostReservation } from '../../plugins/sdk/cost.js';
import type { CostAnswer, CostCall, PortMessage, WorkerReply, WorkerTask } from './stage-worker.js';

export interface PoolOptions {
  threads: number;
  idleTimeoutMs: number;
  /** How long a cancelled stage may take to return before its thread is terminated. */
  cancelGraceMs: number;
  /** models.dir, handed to every worker thread (setModelsDir). */
  modelsDir?: string;
  /** Where cloud providers keep paid results per unit, handed to every worker thread (setProviderCacheDir). */
  providerCacheDir?: string;
  /**
   * The process's model budget (createModelBudget: models.maxResidentMb, models.gpuConcurrency),
   * shared with every worker thread; a thread's share is freed when it exits.
   */
  modelBudget?: SharedArrayBuffer;
  /** models.executionProviders and models.threads, for providers that do not set their own. */
  onnxDefaults?: OnnxDefaults;
}

/** What every worker thread is started with (piscina's workerData). */
export interface StageWorkerData {
  modelsDir?: string;
  providerCacheDir?: string;
  /** Shared memory, not a copy: every thread sees the same counters. */
  modelBudget?: SharedArrayBuffer;
  onnxDefaults?: OnnxDefaults;
}

export interface PoolRun {
  entry: string;
  input: StageInput;
  workDir: string;
  signal: AbortSignal;
  cancelFlag: Int32Array;
  onProgress(fraction: number, note?: string): void;
  onLog(m: Extract<PortMessage, { t: 'log' }>): void;
  /** The job's cost ledger, which the stage reaches through its port (default: UNMETERED). */
  cost?: CostMeter;
}

/** The piscina pool that runs 'worker' stages. */
export class StagePool {
  private readonly piscina: Piscina<WorkerTask, WorkerReply>;
  /** Worker stages submitted and not yet settled. */
  private inFlight = 0;
  private closing: Promise<void> | undefined;

  constructor(private readonly opts: PoolOptions) {
    this.piscina = new Piscina({
      filename: new URL('./stage-worker.js', import.meta.url).href,
      minThreads: 0,
      maxThreads: opts.threads,
      idleTimeout: opts.idleTimeoutMs,
      // Between tasks an idle worker waits with Atomics.waitAsync, not Atomics.wait: its event
      // loop keeps turning, so a thread that keeps idle model sessions can release them when
      // another thread asks for room (onnx-session.ts), and their release finishes.
      atomics: 'async',
      workerData: { modelsDir: opts.modelsDir, providerCacheDir: opts.providerCacheDir, modelBudget: opts.modelBudget, onnxDefaults: opts.onnxDefaults } satisfies StageWorkerData,
    });
    const budget = opts.modelBudget && new ModelBudget(opts.modelBudget);
    if (budget) {
      // Models and GPU tokens a thread held are given back when it exits: after an idle
      // timeout, a terminated cancel, or a crash that skipped its own clean-up.
      this.piscina.on('workerCreate', (w: { id: number }) => {
        // Read now: the id reads -1 once the thread has stopped.
        const id = w.id;
        this.piscina.threads.find((t) => t.threadId === id)?.once('exit', () => budget.forgetHolder(holderOf(id)));
      });
    }
  }

  get threads(): number { return this.opts.threads; }
  get queueSize(): number { return this.piscina.queueSize; }
  /** False once close() was called: a closed pool takes no more stages. */
  get isOpen(): boolean { return this.closing === undefined; }

  /**
   * A stage's share of the pool's threads when `running` stages (itself included) share it,
   * at least 1. Threads are the box's CPU budget: a stage that waits on engine processes
   * (pocketsphinx) leaves its own thread idle, so the share counts cores, not threads.
   */
  share(running = this.inFlight + 1): number {
    return Math.max(1, Math.floor(this.opts.threads / Math.max(1, running)));
  }

  /**
   * Runs a stage in a worker. On abort the stage is asked to stop (signal + shared flag); if it
   * has not returned within the grace period its thread is terminated and replaced.
   */
  async run(r: PoolRun): Promise<StageResult> {
    const { port1, port2 } = new MessageChannel();
    const hardStop = new AbortController();
    let graceTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      Atomics.store(r.cancelFlag, 0, 1);
      Atomics.notify(r.cancelFlag, 0); // wakes code parked in Atomics.wait on the flag
      port1.postMessage('abort');
      graceTimer = setTimeout(() => hardStop.abort(), this.opts.cancelGraceMs);
    };
    if (r.signal.aborted) onAbort();
    else r.signal.addEventListener('abort', onAbort, { once: true });
    const reservations = new Map<number, CostReservation>();
    port1.on('message', (m: PortMessage) => {
      if (m.t === 'progress') r.onProgress(m.fraction, m.note);
      else if (m.t === 'cost') void answerCost(m, r.cost ?? UNMETERED, reservations).then((a) => { if (a) port1.postMessage(a); });
      else r.onLog(m);
    });
    this.inFlight++;
    try {
      // Piscina starts a task at once while fewer than `threads` run, so the share is decided here.
      const task: WorkerTask = { entry: r.entry, input: r.input, workDir: r.workDir, cancelFlag: r.cancelFlag, port: port2, parallelism: this.share(this.inFlight) };
      const reply = await this.piscina.run(task, { transferList: [port2], signal: hardStop.signal });
      if (!reply.ok) throw DubarrError.fromJSON(reply.error);
      return reply.result;
    } catch (e) {
      if (e instanceof DubarrError) throw e;
      if (r.signal.aborted) throw new DubarrError('E_CANCELLED', 'Cancelled (worker terminated after the grace period)', { cause: e });
      throw new DubarrError('E_WORKER_CRASHED', `The worker thread running ${r.entry} died: ${(e as Error).message}`, { cause: e });
    } finally {
      this.inFlight--;
      clearTimeout(graceTimer);
      r.signal.removeEventListener('abort', onAbort);
      port1.close();
    }
  }

  /** Stops every thread; later calls share the first one's promise. */
  close(): Promise<void> {
    this.closing ??= this.piscina.close({ force: true });
    return this.closing;
  }
}

let nextReservation = 0;

/** Runs a worker's cost call against the job's ledger; the answer goes back over its port. */
async function answerCost(m: CostCall, cost: CostMeter, held: Map<number, CostReservation>): Promise<CostAnswer | undefined> {
  try {
    switch (m.op) {
      case 'reserve': {
        const id = ++nextReservation;
        held.set(id, await cost.reserve(m.spend));
        return { t: 'cost-answer', call: m.call, reservation: id };
      }
      case 'settle': await held.get(m.reservation)?.settle(m.quantity); held.delete(m.reservation); break;
      case 'release': await held.get(m.reservation)?.release(); held.delete(m.reservation); break;
      case 'reused': cost.reused(m.spend); return undefined;
    }
    return { t: 'cost-answer', call: m.call };
  } catch (e) {
    return { t: 'cost-answer', call: m.call, error: DubarrError.from(e).toJSON() };
  }
}
