import type { BusEvent, JobBus } from '../jobs/journal.js';
import { clamp, sameState } from './job-updates.js';
import { isTerminal, type JobView } from './job-view.js';

export interface AllUpdatesOptions {
  /** Ends the iteration (a client went away). */
  signal?: AbortSignal;
  /** At most one update per job per this many ms (default 250); transitions are never held back. */
  throttleMs?: number;
  /**
   * How often the events table is read for jobs another process runs (`dubarr dub` beside the
   * server), in ms (default 1000); they report only through the database.
   */
  pollMs?: number;
}

/** The events table as a tail: where it ends now, and which jobs changed after a point. */
export interface EventTail {
  lastEventId(): number;
  jobsChangedSince(afterId: number): { jobIds: string[]; last: number };
}

/**
 * Every job's changes from now on: a job's new state when it changed (progress per job at most
 * once per throttle interval, transitions at once; per-stage progress never going back while the
 * job runs). This process's jobs are heard on its bus; jobs another process runs (`dubarr dub`)
 * are found by reading the events table every `pollMs`. Never ends by itself; a deleted job is
 * skipped.
 */
export async function* allJobUpdates(bus: JobBus, tail: EventTail, read: (id: string) => JobView | undefined, o: AllUpdatesOptions = {}): AsyncGenerator<JobView> {
  const throttleMs = o.throttleMs ?? 250;
  const pollMs = o.pollMs ?? 1000;
  let tailFrom = tail.lastEventId();
  let nextPoll = Date.now() + pollMs;
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
      let now = Date.now();
      if (now >= nextPoll) {
        // Our own jobs' rows come back too; reading them again finds no change and sends nothing.
        const changed = tail.jobsChangedSince(tailFrom);
        tailFrom = changed.last;
        for (const id of changed.jobIds) if (!due.has(id)) due.set(id, now);
        now = Date.now();
        nextPoll = now + pollMs;
      }
      const ready = [...due].filter(([, at]) => at <= now).map(([id]) => id);
      if (ready.length === 0) {
        await sleep(Math.min(nextPoll, ...due.values()) - now);
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
