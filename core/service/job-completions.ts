import type { Logger } from 'pino';
import type { BusEvent, JobBus } from '../jobs/journal.js';
import type { Job } from '../jobs/store.js';

/** A job that has just ended, as the code that acts on endings (library refresh, notifications) gets it. */
export interface EndedJob {
  job: Job;
  /** Files its delivery steps wrote into the library (a succeeded job's `job_outputs`; none otherwise). */
  delivered: string[];
}

/**
 * Acts on one ended job. `signal` aborts when the process shuts down: a listener stops its
 * retries then. Something that went wrong without failing the job is recorded with
 * `JobsService.warn`; a thrown error is only logged.
 */
export type JobEndListener = (ended: EndedJob, signal: AbortSignal) => Promise<void>;

const ENDINGS = new Set(['job.succeeded', 'job.failed', 'job.cancelled']);

/**
 * Calls the listeners once for each job this process ran to its end (the bus carries only this
 * process's jobs: one the CLI runs is acted on by the CLI's own runtime, if it has listeners).
 * The journal emits the ending after the job's row is final, so a listener reads the result.
 */
export class JobCompletions {
  private readonly listeners = new Set<JobEndListener>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stop = new AbortController();
  private readonly onEvent = (e: BusEvent) => { if (ENDINGS.has(e.type)) this.dispatch(e.jobId); };

  constructor(private readonly bus: JobBus, private readonly load: (jobId: string) => EndedJob | undefined, private readonly log: Logger) {
    bus.on('event', this.onEvent);
  }

  /** Adds a listener; returns the function that removes it. */
  add(listener: JobEndListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once every listener call under way has ended. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops listening, aborts the calls under way and waits for them to end. */
  async close(): Promise<void> {
    this.bus.off('event', this.onEvent);
    this.stop.abort();
    await this.idle();
  }

  private dispatch(jobId: string): void {
    if (this.listeners.size === 0 || this.stop.signal.aborted) return;
    const ended = this.load(jobId);
    if (!ended) return; // deleted meanwhile
    for (const listener of this.listeners) {
      const call = listener(ended, this.stop.signal)
        .catch((e: unknown) => this.log.error({ job: jobId, err: (e as Error).message }, 'job end listener failed'))
        .finally(() => this.inFlight.delete(call));
      this.inFlight.add(call);
    }
  }
}
