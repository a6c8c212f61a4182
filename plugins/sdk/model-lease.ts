/**
 * Which stage run is using a model session right now. Every stage runs inside a lease
 * (defineStage opens one), so the session layer knows, without the provider saying so, which
 * sessions are busy (never released to make room) and which stage holds a GPU token, and gives
 * both back when the stage returns, whichever thread it ran in and however it ended.
 *
 * Code that makes sessions outside any stage (a script, a benchmark) uses the thread's
 * standing lease, which ends only with releaseOnnxSessions().
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface ModelLease {
  /** Aborts waits for a GPU token (the stage's cancel). */
  readonly signal?: AbortSignal;
  /** Called once when the stage run ends, in the order they were added. */
  readonly onEnd: Array<() => void>;
  /** Free-form marks the session layer keeps per lease (e.g. that it holds a GPU token). */
  holdsGpu: boolean;
}

const current = new AsyncLocalStorage<ModelLease>();
let standing: ModelLease | undefined;

/** Runs fn inside a new lease that ends (its onEnd callbacks run) when fn settles. */
export async function withModelLease<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
  const lease: ModelLease = { signal, onEnd: [], holdsGpu: false };
  try {
    return await current.run(lease, fn);
  } finally {
    endLease(lease);
  }
}

/** The lease of the stage run this code is part of, else the thread's standing lease. */
export function currentModelLease(): ModelLease {
  return current.getStore() ?? (standing ??= { onEnd: [], holdsGpu: false });
}

/** Ends the standing lease (what was used outside any stage becomes idle). */
export function endStandingLease(): void {
  const s = standing;
  standing = undefined;
  if (s) endLease(s);
}

function endLease(lease: ModelLease): void {
  for (const f of lease.onEnd.splice(0)) f();
}
