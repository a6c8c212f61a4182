import type { BusEvent, JobBus } from '../jobs/journal.js';
import { clamp, sameState } from './job-updates.js';
import { isTerminal, type JobView } from './job-view.js';

export interface AllUpdatesOptions {
  /** Ends the iteration (a client went away). */
  signal?: AbortSignal;
  /** At most one update per job per this many ms (default 250); transitions are never held back. */
  throttleMs?: number;
}

/**
 * Every job's changes from now on, as this process's bus reports them: a job's new state when
 * it changed (progress per job at most once per throttle interval, transitions at once; per-stage
 * progress never going back while the job runs). Never ends by itself; a deleted job is skipped.
 * Jobs another process runs (`dubarr dub`) report only through the database and are not seen.
 */
export async function* allJobUpdates(bus: JobBus, read: (id: string) => JobView | undefined, o: AllUpdatesOptions = {}): AsyncGenerator<JobView> {
  const throttleMs = o.throttleMs ?? 250;
  /** Job id -> when its next update may go out. */
  const due = new Map<string, number>();
  /** The last state sent per job, until it ends (a retry then starts afresh). */
  const sent = new Map<string, { at: number; view: JobView }>();
  let wake: (() => void) | undefined;
  const on = (e: BusEvent) => {
    const earliest = e.type === 'job.progress' ? (sent.get(e.jobId)?.at ?? 0) + throttleMs : 0;
    due.set(e.jobId, Math.min(due.get(e.jobId) ?? Infinity, earliest));
    wake?.();
  };
  const onAbort = () => wake?.();
  const sleep = (ms: number) => new Promise<void>((r) => {
    const t = setTimeout(() => { wake = undefined; r(); }, ms);
    wake = () => { clearTimeout(t); wake = undefined; r(); };
  });
  bus.on('event', on);
  o.signal?.addEventListener('abort', onAbort);
  try {
    while (!o.signal?.aborted) {
      const now = Date.now();
      const ready = [...due].filter(([, at]) => at <= now).map(([id]) => id);
      if (ready.length === 0) {
        await sleep(due.size ? Math.min(...due.values()) - now : 3_600_000);
        continue;
      }
      for (const id of ready) {
        due.delete(id);
        const view = read(id);
        if (!view) { sent.delete(id); continue; }
        const prev = sent.get(id)?.view;
        const next = clamp(view, prev);
        if (prev && sameState(next, prev)) continue;
        if (isTerminal(next.status)) sent.delete(id);
        else sent.set(id, { at: Date.now(), view: next });
        yield next;
        if (o.signal?.aborted) return;
      }
    }
  } finally {
    bus.off('event', on);
    o.signal?.removeEventListener('abort', onAbort);
  }
}
