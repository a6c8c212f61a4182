import type { JobStore } from '../jobs/store.js';
import type { Journal } from '../jobs/journal.js';
import type { PlanStep } from './plan.js';

const BUS_INTERVAL_MS = 200;
const STORE_INTERVAL_MS = 1000;
const EVENT_INTERVAL_MS = 5000;

/**
 * Job progress = the weighted sum of its steps' fractions. Every change reaches the bus (at most
 * 5/s: changes within 200 ms of the last report go out together at its end, so a stage that
 * reports a burst and then works silently is still shown where it stands); the jobs row is
 * updated at most once a second and a progress event stored every 5 s, so a chatty stage cannot
 * flood SQLite.
 */
export class ProgressTracker {
  private readonly weights = new Map<string, number>();
  private readonly fractions = new Map<string, number>();
  private readonly total: number;
  /** Steps whose change has not reached the bus yet. */
  private readonly unsent = new Map<string, { fraction: number; note?: string }>();
  private flushTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private lastBus = 0;
  private lastStore = 0;
  private lastEvent = 0;

  constructor(private readonly deps: { store: JobStore; journal: Journal }, private readonly jobId: string, steps: readonly PlanStep[]) {
    for (const s of steps) this.weights.set(s.id, s.weight);
    this.total = [...this.weights.values()].reduce((a, b) => a + b, 0) || 1;
  }

  get value(): number {
    let sum = 0;
    for (const [id, w] of this.weights) sum += w * (this.fractions.get(id) ?? 0);
    return sum / this.total;
  }

  update(step: string, fraction: number, note?: string): void {
    if (this.closed) return; // a stage's late report after its job's run ended
    const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
    if (f < (this.fractions.get(step) ?? 0)) return; // progress never goes backwards (a retry restarts quietly)
    this.fractions.set(step, f);
    this.unsent.set(step, { fraction: f, note });
    const now = Date.now();
    const stepDone = f === 1;
    if (stepDone || now - this.lastBus >= BUS_INTERVAL_MS) this.flush(now, stepDone);
    else this.flushTimer ??= setTimeout(() => this.flush(Date.now(), false), this.lastBus + BUS_INTERVAL_MS - now).unref();
    if (stepDone || now - this.lastStore >= STORE_INTERVAL_MS) {
      this.lastStore = now;
      this.deps.store.setProgress(this.jobId, this.value, note ? `${step}: ${note}` : step);
    }
  }

  finish(): void { this.deps.store.setProgress(this.jobId, 1); }

  /** The run is over: a change still held back is dropped (the job's end reports where it stands). */
  close(): void {
    this.closed = true;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.unsent.clear();
  }

  private flush(now: number, stepDone: boolean): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.lastBus = now;
    const persist = stepDone || now - this.lastEvent >= EVENT_INTERVAL_MS;
    if (persist) this.lastEvent = now;
    const progress = this.value;
    for (const [step, { fraction, note }] of this.unsent) {
      this.deps.journal.record(this.jobId, 'job.progress', step, { progress, stepProgress: fraction, note }, { persist });
    }
    this.unsent.clear();
  }
}
