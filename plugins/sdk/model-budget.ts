/**
 * What loaded models may take across the whole process, shared by every thread through one
 * SharedArrayBuffer (the stage pool hands it to its worker threads in workerData): megabytes of
 * model sessions (models.maxResidentMb) and GPU tokens (models.gpuConcurrency).
 *
 * Each thread (a "holder") owns a slot with what it holds; the totals are sums over the slots,
 * checked and changed under one short lock. Slots rather than one counter so that a thread that
 * dies (terminated after a cancel, crashed) can be forgotten by the main thread without its
 * share leaking for the life of the process (forgetHolder, when the worker's 'exit' fires).
 */
import { totalmem } from 'node:os';
import { threadId } from 'node:worker_threads';
import { DubarrError } from './errors.js';

export interface ModelBudgetLimits {
  /** Most megabytes of model sessions loaded at once in the process. */
  maxResidentMb: number;
  /** Stages that may run models on the GPU at once. */
  gpuConcurrency: number;
}

const LOCK = 0;
/** Bumped (and waiters woken) whenever megabytes or a GPU token are given back. */
const RELEASES = 1;
/** Bumped when a thread could not find room and asks the others to release idle sessions. */
const PRESSURE = 2;
const PRESSURE_MB = 3;
const MAX_MB = 4;
const GPU_CAP = 5;
const HEADER = 8;
const SLOTS = 256;
/** owner (holder id, 0 = free), megabytes, GPU tokens */
const SLOT_WORDS = 3;

/** Atomics.waitAsync (Node >= 16; the ES2023 typings predate it). */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

/** A thread's holder id: its threadId + 1 (the main thread is 0, and 0 marks a free slot). */
export function holderOf(thread: number): number {
  return thread + 1;
}

export function createModelBudget(limits: ModelBudgetLimits): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer((HEADER + SLOTS * SLOT_WORDS) * 4);
  const s = new Int32Array(buffer);
  s[MAX_MB] = Math.max(1, Math.floor(limits.maxResidentMb));
  s[GPU_CAP] = Math.max(1, Math.floor(limits.gpuConcurrency));
  return buffer;
}

export class ModelBudget {
  private readonly s: Int32Array;
  private slot = -1;

  /** `holder`: who this view acts for; the current thread unless a test plays another. */
  constructor(readonly buffer: SharedArrayBuffer, readonly holder = holderOf(threadId)) {
    this.s = new Int32Array(buffer);
  }

  get limits(): ModelBudgetLimits {
    return { maxResidentMb: this.s[MAX_MB]!, gpuConcurrency: this.s[GPU_CAP]! };
  }

  /** Totals over every holder, and this holder's own share. */
  usage(): { residentMb: number; gpuTokens: number; ownMb: number; ownGpuTokens: number } {
    let residentMb = 0;
    let gpuTokens = 0;
    for (let i = 0; i < SLOTS; i++) {
      const at = HEADER + i * SLOT_WORDS;
      if (Atomics.load(this.s, at) === 0) continue;
      residentMb += Atomics.load(this.s, at + 1);
      gpuTokens += Atomics.load(this.s, at + 2);
    }
    const own = this.ownSlot(false);
    return { residentMb, gpuTokens, ownMb: own < 0 ? 0 : Atomics.load(this.s, own + 1), ownGpuTokens: own < 0 ? 0 : Atomics.load(this.s, own + 2) };
  }

  /** Takes `mb` if the total stays within maxResidentMb; false (nothing taken) if not. */
  tryReserveMb(mb: number): boolean {
    return this.locked(() => {
      if (this.usage().residentMb + mb > this.s[MAX_MB]!) return false;
      Atomics.add(this.s, this.ownSlot(true) + 1, mb);
      return true;
    });
  }

  releaseMb(mb: number): void {
    this.locked(() => { Atomics.sub(this.s, this.ownSlot(true) + 1, Math.min(mb, this.usage().ownMb)); });
    this.announceRelease();
  }

  /** Takes a GPU token if fewer than gpuConcurrency are held; false if not. */
  tryTakeGpu(): boolean {
    return this.locked(() => {
      if (this.usage().gpuTokens >= this.s[GPU_CAP]!) return false;
      Atomics.add(this.s, this.ownSlot(true) + 2, 1);
      return true;
    });
  }

  /**
   * Waits for a GPU token: until a holder gives one back (no polling: woken by releases), or
   * the signal aborts (E_CANCELLED).
   */
  async takeGpu(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const seen = Atomics.load(this.s, RELEASES);
      if (this.tryTakeGpu()) return;
      await this.nextRelease(seen, signal);
    }
  }

  releaseGpu(): void {
    this.locked(() => {
      const own = this.ownSlot(true);
      if (Atomics.load(this.s, own + 2) > 0) Atomics.sub(this.s, own + 2, 1);
    });
    this.announceRelease();
  }

  /** Resolves once anything is given back after the RELEASES value `seen` (read before checking). */
  async nextRelease(seen: number, signal?: AbortSignal): Promise<void> {
    await this.waitForChange(RELEASES, seen, signal, true);
  }

  /** The RELEASES counter, to read before a check that nextRelease waits to redo. */
  releases(): number {
    return Atomics.load(this.s, RELEASES);
  }

  /** Asks every holder to give back idle sessions until `mb` more would fit. */
  askForRoom(mb: number): void {
    Atomics.store(this.s, PRESSURE_MB, mb);
    Atomics.add(this.s, PRESSURE, 1);
    Atomics.notify(this.s, PRESSURE);
  }

  pressure(): { generation: number; mb: number } {
    return { generation: Atomics.load(this.s, PRESSURE), mb: Atomics.load(this.s, PRESSURE_MB) };
  }

  /**
   * Resolves when someone asks for room after generation `seen` (or the signal aborts). The
   * wait does not keep the thread alive: a thread listens for as long as it keeps idle models.
   */
  async nextPressure(seen: number, signal?: AbortSignal): Promise<void> {
    await this.waitForChange(PRESSURE, seen, signal, false);
  }

  /**
   * Frees what a holder held, for a thread that ended without giving it back (its worker
   * exited). Also frees the lock should the thread have died inside it.
   */
  forgetHolder(holder: number): void {
    Atomics.compareExchange(this.s, LOCK, holder, 0);
    this.locked(() => {
      for (let i = 0; i < SLOTS; i++) {
        const at = HEADER + i * SLOT_WORDS;
        if (Atomics.load(this.s, at) !== holder) continue;
        Atomics.store(this.s, at + 1, 0);
        Atomics.store(this.s, at + 2, 0);
        Atomics.store(this.s, at, 0);
      }
    });
    if (holder === this.holder) this.slot = -1;
    this.announceRelease();
  }

  private announceRelease(): void {
    Atomics.add(this.s, RELEASES, 1);
    Atomics.notify(this.s, RELEASES);
  }

  private async waitForChange(index: number, seen: number, signal: AbortSignal | undefined, keepAlive: boolean): Promise<void> {
    if (signal?.aborted) throw new DubarrError('E_CANCELLED', 'Cancelled');
    const wait = waitAsync(this.s, index, seen);
    if (!wait.async) return;
    // Atomics.waitAsync does not keep the event loop alive; a stage waiting for a token must.
    const alive = keepAlive ? setInterval(() => undefined, 1 << 30) : undefined;
    let onAbort: (() => void) | undefined;
    try {
      await Promise.race([wait.value, new Promise<never>((_, reject) => {
        onAbort = () => reject(new DubarrError('E_CANCELLED', 'Cancelled'));
        signal?.addEventListener('abort', onAbort, { once: true });
      })]);
    } finally {
      clearInterval(alive);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  /** This holder's slot (word index), claimed on first use when `claim`; -1 if it has none. */
  private ownSlot(claim: boolean): number {
    if (this.slot >= 0 && Atomics.load(this.s, this.slot) === this.holder) return this.slot;
    for (let i = 0; i < SLOTS; i++) {
      const at = HEADER + i * SLOT_WORDS;
      if (Atomics.load(this.s, at) === this.holder) return (this.slot = at);
    }
    if (!claim) return -1;
    for (let i = 0; i < SLOTS; i++) {
      const at = HEADER + i * SLOT_WORDS;
      if (Atomics.compareExchange(this.s, at, 0, this.holder) === 0) return (this.slot = at);
    }
    throw new DubarrError('E_INTERNAL', `more than ${SLOTS} threads hold models at once`);
  }

  /** Runs fn under the process-wide lock (held for a few array reads; waiters block briefly). */
  private locked<T>(fn: () => T): T {
    while (Atomics.compareExchange(this.s, LOCK, 0, this.holder) !== 0) {
      if (Atomics.load(this.s, LOCK) === this.holder) throw new DubarrError('E_INTERNAL', 'the model budget lock was taken twice by one holder');
      Atomics.wait(this.s, LOCK, Atomics.load(this.s, LOCK), 1);
    }
    try {
      return fn();
    } finally {
      Atomics.store(this.s, LOCK, 0);
      Atomics.notify(this.s, LOCK, 1);
    }
  }
}

let installed: ModelBudget | undefined;

/**
 * Makes `buffer` this thread's budget: the runtime does it on the main thread, the stage
 * worker in each worker thread (from StageWorkerData).
 */
export function installModelBudget(buffer: SharedArrayBuffer): ModelBudget {
  installed = new ModelBudget(buffer);
  return installed;
}

/**
 * This thread's budget. Without a runtime (a test, a benchmark, a script) the thread gets one
 * of its own with the defaults: half the machine's memory, one GPU stage at a time.
 */
export function modelBudget(): ModelBudget {
  installed ??= new ModelBudget(createModelBudget({ maxResidentMb: Math.floor(totalmem() / 2 / 1048576), gpuConcurrency: 1 }));
  return installed;
}
