import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { JobStore } from './store.js';

export type JobEventType =
  | 'job.queued' | 'job.started' | 'job.progress' | 'job.succeeded' | 'job.failed' | 'job.cancelled' | 'job.requeued'
  | 'job.source-language'
  /** Something after the job's end went wrong without failing it (a media server not told of the new files). */
  | 'job.warning'
  | 'stage.started' | 'stage.succeeded' | 'stage.cached' | 'stage.skipped' | 'stage.failed' | 'stage.retrying' | 'stage.cancelled';

export interface BusEvent {
  jobId: string;
  type: JobEventType;
  step?: string;
  ts: number;
  data?: Record<string, unknown>;
}

/** The in-process event bus the API exposes (subscriptions) and the CLI renders (progress bars). */
export class JobBus extends EventEmitter<{ event: [BusEvent] }> {}

/**
 * Records job and stage transitions in one place: an events row, a bus event, and one structured
 * log line. Progress goes to the bus at full rate but is persisted sparsely (see ProgressTracker).
 */
export class Journal {
  private pending: BusEvent[] = [];

  constructor(readonly store: JobStore, readonly bus: JobBus, readonly log: Logger) {}

  record(jobId: string, type: JobEventType, step?: string, data?: Record<string, unknown>, opts: { persist?: boolean; level?: 'debug' | 'info' | 'warn' | 'error' } = {}): void {
    const event: BusEvent = { jobId, type, step, ts: Date.now(), data };
    if (opts.persist !== false) this.persist(event);
    this.bus.emit('event', event);
    if (type !== 'job.progress') this.log[opts.level ?? levelOf(type)]({ job: jobId, step, ...data }, type);
  }

  /** Events of one turn of the event loop are written in one transaction: one commit instead of many. */
  private persist(e: BusEvent): void {
    if (this.pending.push(e) === 1) setImmediate(() => this.flush());
  }

  /** Writes buffered events now (also called before the database closes). */
  flush(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.store.transaction(() => { for (const e of batch) this.store.addEvent(e.jobId, e.type, e.step, e.data, e.ts); });
  }
}

function levelOf(type: JobEventType): 'debug' | 'info' | 'warn' | 'error' {
  if (type === 'job.failed') return 'error';
  if (type === 'stage.failed' || type === 'stage.retrying' || type === 'job.warning') return 'warn';
  return 'info';
}
