import { setTimeout as sleep } from 'node:timers/promises';
import { DubarrError } from '../../plugins/sdk/errors.js';

/** How often and after how long a failed call to a media server is tried again. */
export interface RetryPolicy {
  /** The waits before the 2nd, 3rd, ... attempt, in ms: one attempt more than there are waits. */
  delaysMs: readonly number[];
  /** Waits; rejects when `signal` aborts. Tests pass one that records the wait and returns at once. */
  wait(ms: number, signal: AbortSignal): Promise<void>;
}

/** About 40 s in all: a server that restarts (an update) is back by then; one that is down for longer gets a warning on the job. */
export const MEDIA_SERVER_RETRY: RetryPolicy = {
  delaysMs: [2_000, 8_000, 30_000],
  wait: (ms, signal) => sleep(ms, undefined, { signal }),
};

/**
 * Runs `fn` until it succeeds, an error is not retryable (a refused token, an item the server
 * does not have) or the waits are used up; throws the last error. Aborting `signal` stops the
 * waiting (E_CANCELLED).
 */
export async function withRetries<T>(fn: () => Promise<T>, policy: RetryPolicy, signal: AbortSignal, retryable: (e: unknown) => boolean): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const delay = policy.delaysMs[attempt - 1];
      if (delay === undefined || signal.aborted || !retryable(e)) throw e;
      try {
        await policy.wait(delay, signal);
      } catch (abort) {
        throw new DubarrError('E_CANCELLED', 'Cancelled', { cause: abort });
      }
    }
  }
}
