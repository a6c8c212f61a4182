import type { BusEvent, JobBus } from '../jobs/journal.js';

const ENDS_A_RUN = new Set(['job.started', 'job.succeeded', 'job.failed', 'job.cancelled', 'job.requeued']);

interface Live {
  progress: number;
  steps: Map<string, number>;
  /** The latest report's step and note ('translate:es: 12 of 40'), as the jobs row words it. */
  note?: string;
}

/**
 * The progress of the jobs this process runs, per step, and the latest note, as the bus reports
 * them (at most 5/s per job). The jobs row is updated at most once a second and holds no per-step
 * figures, so a view built from it alone would lag and show no stage moving.
 */
export class LiveProgress {
  private readonly jobs = new Map<string, Live>();

  constructor(bus: JobBus) {
    bus.on('event', (e) => this.on(e));
  }

  get(jobId: string): Live | undefined { return this.jobs.get(jobId); }

  private on(e: BusEvent): void {
    if (ENDS_A_RUN.has(e.type)) {
      this.jobs.delete(e.jobId);
      return;
    }
    if (e.type !== 'job.progress' || !e.step) return;
    let live = this.jobs.get(e.jobId);
    if (!live) this.jobs.set(e.jobId, live = { progress: 0, steps: new Map() });
    live.progress = Number(e.data?.progress ?? live.progress);
    live.steps.set(e.step, Number(e.data?.stepProgress ?? 0));
    const note = e.data?.note;
    live.note = typeof note === 'string' && note ? `${e.step}: ${note}` : e.step;
  }
}
