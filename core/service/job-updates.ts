import { DubarrError } from '../../plugins/sdk/errors.js';
import type { BusEvent, JobBus } from '../jobs/journal.js';
import { isTerminal, type JobView } from './job-view.js';

export interface SubscribeOptions {
  /** Ends the iteration (a client went away). */
  signal?: AbortSignal;
  /** At most one update per this many ms (default 250); the terminal state is never held back. */
  throttleMs?: number;
  /**
   * With no event on this process's bus for this long, the job is read again (default 1000):
   * a job another process runs (`dubarr dub`) reports only through the database.
   */
  pollMs?: number;
}

/** Progress never goes back within one subscription: a stage restarted by a retry holds its mark until it passes it. */
export function clamp(view: JobView, prev: JobView | undefined): JobView {
  if (!prev) return view;
  const before = new Map(prev.stages.map((s) => [s.id, s.progress]));
  return {
    ...view,
    progress: Math.max(view.progress, prev.progress),
    stages: view.stages.map((s) => ({ ...s, progress: Math.max(s.progress, before.get(s.id) ?? 0) })),
  };
}

export const sameState = (a: JobView, b: JobView): boolean => a.status === b.status && a.progress === b.progress && a.progressNote === b.progressNote
  && a.stages.length === b.stages.length && a.stages.every((s, i) => s.status === b.stages[i]!.status && s.progress === b.stages[i]!.progress);

/**
 * A job's updates: first its state now, then a new state whenever it changed (throttled), ending
 * after a terminal state (at once for a job that has already ended) or when the job is deleted.
 */
export async function* jobUpdates(bus: JobBus, jobId: string, read: () => JobView, o: SubscribeOptions = {}): AsyncGenerator<JobView> {
  const throttleMs = o.throttleMs ?? 250;
  const pollMs = o.pollMs ?? 1000;
  let dirty = false;
  let urgent = false;
  let wake: (() => void) | undefined;
  const on = (e: BusEvent) => {
    if (e.jobId !== jobId) return;
    dirty = true;
    if (e.type !== 'job.progress') urgent = true; // a transition is shown at once
    wake?.();
  };
  const onAbort = () => wake?.();
  // Listening before the first read: nothing between them is missed.
  bus.on('event', on);
  o.signal?.addEventListener('abort', onAbort);
  const sleep = (ms: number) => new Promise<void>((r) => {
    const t = setTimeout(() => { wake = undefined; r(); }, ms);
    wake = () => { clearTimeout(t); wake = undefined; r(); };
  });
  try {
    let last = read();
    let sentAt = Date.now();
    yield last;
    while (!isTerminal(last.status) && !o.signal?.aborted) {
      if (!dirty) await sleep(pollMs);
      if (o.signal?.aborted) return;
      // Progress events come up to 5/s per job; hold them for the rest of the interval.
      const wait = throttleMs - (Date.now() - sentAt);
      if (!urgent && wait > 0) {
        const end = Date.now() + wait;
        while (!urgent && !o.signal?.aborted && Date.now() < end) await sleep(end - Date.now());
      }
      dirty = false;
      urgent = false;
      let next: JobView;
      try {
        next = clamp(read(), last);
      } catch (e) {
        if (DubarrError.from(e).code === 'E_JOB_NOT_FOUND') return; // deleted meanwhile
        throw e;
      }
      if (sameState(next, last)) continue;
      last = next;
      sentAt = Date.now();
      yield last;
    }
  } finally {
    bus.off('event', on);
    o.signal?.removeEventListener('abort', onAbort);
  }
}
