import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { runJob, type JobOutcome, type RunnerDeps } from '../pipeline/job-runner.js';
import { prepareOutputLocations } from '../pipeline/output-locations.js';
import { identifyFiles, type DeliveredFiles } from './delivered-files.js';
import type { Job, JobSpec } from './store.js';

const HEARTBEAT_MS = 10_000;
/** A running job whose owner has not beaten for this long belongs to a dead process. */
const STALE_MS = 60_000;
/** Other processes (the CLI) may queue jobs in the same database; look for them this often. */
const POLL_MS = 2_000;
/** Cancel requests from other processes (the CLI) are read this often. */
const CANCEL_POLL_MS = 500;

const SHUTDOWN = Symbol('shutdown');

/**
 * The owners of the schedulers alive in this process. A job owned by this pid under another
 * nonce is an earlier life of the process (a restarted container's pid 1) unless it is one of
 * these: a second runtime in the same process (tests, an embedding program) is alive.
 */
const liveOwners = new Set<string>();

export interface SchedulerOptions {
  concurrency: number;
  /** A job whose process died this many times is failed instead of being retried forever. */
  maxAttempts: number;
  /** Whether this scheduler takes queued jobs (serve) or only runs what it is handed (the CLI). */
  takeQueued: boolean;
  /** Called when a job this scheduler ran has ended (housekeeping); must return at once. */
  onJobEnded?(): void;
}

export interface SchedulerDeps extends RunnerDeps {
  /** Where a succeeded job's delivered files are recorded (a watched folder reads them). */
  delivered: DeliveredFiles;
}

interface Active { controller: AbortController; done: Promise<Job> }

/**
 * Takes queued jobs by priority and runs up to `concurrency` at once. Owns crash recovery
 * (jobs of dead processes go back to the queue) and graceful shutdown (running jobs are
 * stopped and re-queued; their finished stages are in the stage cache).
 */
export class Scheduler {
  /** host:pid:nonce, so a restarted process with a reused pid (pid 1 in a container) is not mistaken for the old one. */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly active = new Map<string, Active>();
  private stopping = false;
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly deps: SchedulerDeps, private readonly opts: SchedulerOptions) {}

  get running(): string[] { return [...this.active.keys()]; }

  start(): void {
    liveOwners.add(this.owner);
    this.recoverOrphans();
    this.timers.push(setInterval(() => this.deps.store.heartbeat(this.owner), HEARTBEAT_MS).unref());
    this.timers.push(setInterval(() => this.honourCancelRequests(), CANCEL_POLL_MS).unref());
    if (this.opts.takeQueued) {
      this.timers.push(setInterval(() => { this.recoverOrphans(); this.pump(); }, POLL_MS).unref());
      this.pump();
    }
  }

  /** Queues a job; throws E_OUTPUT_NOT_WRITABLE (creating no job) when it could not write its results. */
  submit(spec: JobSpec): Job {
    prepareOutputLocations(spec.input, spec.options ?? {}, { when: 'create' });
    const job = this.deps.store.createJob(spec);
    this.deps.journal.record(job.id, 'job.queued', undefined, { input: job.input, preset: job.preset, priority: job.priority, origin: job.origin });
    if (this.opts.takeQueued) this.pump();
    return job;
  }

  /**
   * Creates a job and runs it here at once, whatever else is queued (the CLI's `dub`). Refused
   * with E_JOB_STATE, creating no job, while another job runs on the same file.
   */
  runNow(spec: JobSpec): { job: Job; done: Promise<Job> } {
    prepareOutputLocations(spec.input, spec.options ?? {}, { when: 'create' });
    const { store } = this.deps;
    // One transaction: a refused claim throws, and the job row it was for is rolled back.
    const job = store.transaction(() => {
      const j = store.createJob(spec);
      const claimed = store.claim(j.id, this.owner);
      if (claimed) return claimed;
      const busy = store.runningJobOn(spec.input);
      throw new DubarrError('E_JOB_STATE', busy
        ? `Job ${busy.id} is running on ${spec.input} (${busy.origin} job, started ${new Date(busy.startedAt ?? busy.updatedAt).toISOString()}); one job runs on a file at a time. Wait for it to finish, or cancel it with \`dubarr jobs cancel ${busy.id}\`, then run this again.`
        : `Job ${j.id} could not be started`);
    });
    this.deps.journal.record(job.id, 'job.queued', undefined, { input: job.input, preset: job.preset, priority: job.priority, origin: job.origin });
    return { job, done: this.launch(job) };
  }

  /** Resolves when the job reaches a final state (or is re-queued by shutdown). */
  whenDone(id: string): Promise<Job> | undefined { return this.active.get(id)?.done; }

  cancel(id: string): Job {
    const job = this.deps.store.getJob(id);
    const active = this.active.get(job.id);
    if (active) { active.controller.abort(); return job; }
    if (this.deps.store.cancelQueued(job.id)) {
      this.deps.journal.record(job.id, 'job.cancelled', undefined, { before: 'start' });
      return this.deps.store.getJob(job.id);
    }
    if (job.status === 'running' && this.deps.store.requestCancel(job.id)) return this.deps.store.getJob(job.id);
    throw new DubarrError('E_JOB_STATE', `Job ${job.id} is already ${job.status}`);
  }

  retry(id: string): Job {
    const job = this.deps.store.getJob(id);
    if (!this.deps.store.retry(job.id)) throw new DubarrError('E_JOB_STATE', `Only failed or cancelled jobs can be retried; ${job.id} is ${job.status}`);
    this.deps.journal.record(job.id, 'job.queued', undefined, { retry: true });
    if (this.opts.takeQueued) this.pump();
    return this.deps.store.getJob(job.id);
  }

  /** Stops taking work, stops running jobs and puts them back in the queue. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const a of this.active.values()) a.controller.abort(SHUTDOWN);
    await Promise.allSettled([...this.active.values()].map((a) => a.done));
    liveOwners.delete(this.owner);
  }

  private honourCancelRequests(): void {
    for (const id of this.deps.store.cancelRequests(this.owner)) this.active.get(id)?.controller.abort();
  }

  private pump(): void {
    while (!this.stopping && this.active.size < this.opts.concurrency) {
      const job = this.deps.store.claimNext(this.owner);
      if (!job) return;
      void this.launch(job);
    }
  }

  private launch(job: Job): Promise<Job> {
    const controller = new AbortController();
    const done = this.execute(job, controller).finally(() => {
      this.active.delete(job.id);
      if (this.opts.takeQueued) this.pump();
      this.opts.onJobEnded?.();
    });
    this.active.set(job.id, { controller, done });
    return done;
  }

  private async execute(job: Job, controller: AbortController): Promise<Job> {
    const { store, journal } = this.deps;
    const t0 = Date.now();
    journal.record(job.id, 'job.started', undefined, { attempt: job.attempts, resumed: job.plan !== undefined });
    try {
      const done = this.succeed(job.id, await runJob(this.deps, job, controller.signal));
      journal.record(job.id, 'job.succeeded', undefined, { durationMs: Date.now() - t0 });
      return done;
    } catch (e) {
      if (controller.signal.reason === SHUTDOWN) {
        store.requeue(job.id);
        journal.record(job.id, 'job.requeued', undefined, { reason: 'shutdown' });
        return store.getJob(job.id);
      }
      const err = DubarrError.from(e);
      if (controller.signal.aborted || err.code === 'E_CANCELLED') {
        const done = store.finishJob(job.id, 'cancelled', { error: { code: 'E_CANCELLED', message: 'Cancelled' } });
        journal.record(job.id, 'job.cancelled', undefined, { durationMs: Date.now() - t0 });
        return done;
      }
      const done = store.finishJob(job.id, 'failed', { error: { code: err.code, message: err.message } });
      journal.record(job.id, 'job.failed', undefined, { durationMs: Date.now() - t0, code: err.code, error: err.message, hint: err.hint });
      return done;
    }
  }

  /** The job's result and what it delivered, in one transaction: a watcher never sees one without the other. */
  private succeed(id: string, outcome: JobOutcome): Job {
    const files = identifyFiles(outcome.delivered);
    return this.deps.store.transaction(() => {
      this.deps.delivered.record(id, files);
      return this.deps.store.finishJob(id, 'succeeded', { result: outcome });
    });
  }

  /** Running jobs whose process is gone: back to the queue, or failed if they keep killing it. */
  private recoverOrphans(): void {
    const { store, journal } = this.deps;
    for (const job of store.runningJobs()) {
      if (this.active.has(job.id) || isOwnerAlive(job, this.owner)) continue;
      if (job.attempts >= this.opts.maxAttempts) {
        store.finishJob(job.id, 'failed', { error: { code: 'E_INTERNAL', message: `dubarr stopped unexpectedly while running this job ${job.attempts} times; it is not retried again automatically` } });
        journal.record(job.id, 'job.failed', undefined, { code: 'E_INTERNAL', reason: 'process died repeatedly' });
      } else if (store.requeue(job.id)) {
        journal.record(job.id, 'job.requeued', undefined, { reason: 'its process died', previousOwner: job.owner });
      }
    }
  }
}

function isOwnerAlive(job: Job, self: string): boolean {
  if (!job.owner || job.owner === self) return job.owner === self;
  const fresh = Date.now() - (job.heartbeatAt ?? job.updatedAt) < STALE_MS;
  const [host, pidText] = job.owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname()) return fresh;
  if (pid === process.pid) return liveOwners.has(job.owner); // else an earlier life of this process
  try {
    process.kill(pid, 0);
    return fresh;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' && fresh;
  }
}
