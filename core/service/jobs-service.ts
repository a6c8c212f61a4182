import type { Logger } from 'pino';
import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { resolveInsideRoots } from '../auth/media-roots.js';
import type { Config } from '../config/schema.js';
import type { CostLedger, JobCost } from '../jobs/cost-ledger.js';
import type { DeliveredFiles } from '../jobs/delivered-files.js';
import type { JobBus, Journal } from '../jobs/journal.js';
import type { Scheduler } from '../jobs/scheduler.js';
import type { Job, JobEvent, JobStatus, JobStore, StageRun } from '../jobs/store.js';
import { listArtifacts, type Artifact } from './artifacts.js';
import { jobSpec, type CreateJobInput } from './create-input.js';
import { ownFiles, removeOwnFiles } from './job-files.js';
import { allJobUpdates, type AllUpdatesOptions } from './all-job-updates.js';
import { jobUpdates, type SubscribeOptions } from './job-updates.js';
import { JobCompletions, type EndedJob, type JobEndListener } from './job-completions.js';
import { jobView, type JobView, type JobWarning } from './job-view.js';
import { LiveProgress } from './live-progress.js';

export interface JobsServiceDeps {
  config: Config;
  store: JobStore;
  delivered: DeliveredFiles;
  bus: JobBus;
  /** Where warnings are recorded (events, the bus, the log). */
  journal: Journal;
  scheduler: Scheduler;
  log: Logger;
  /** Parent of the jobs' work dirs. */
  workRoot: string;
  /** What cloud providers were paid per job (absent: no cost is shown). */
  costs?: CostLedger;
  /**
   * Uploads, once the uploads module is wired: `resolve` turns a finished upload's id into its
   * file's path (throwing a coded error for an unknown or unfinished upload); results written
   * into `dir` belong to dubarr, and go when their job is deleted. `releaseJobInput` is told of
   * a deleted job's input, so an upload's folder goes with the last job on it.
   */
  uploads?: { resolve(id: string): Promise<string>; dir: string; releaseJobInput?(input: string): Promise<void> };
}

export interface ListJobsInput {
  /** Page size, 1..MAX_PAGE (default 50). */
  first?: number;
  /** The endCursor of the page before. */
  after?: string;
  status?: JobStatus;
  /** A substring of the input path. */
  search?: string;
}

export interface JobPage {
  items: JobView[];
  pageInfo: { endCursor?: string; hasNextPage: boolean };
}

export const MAX_PAGE = 500;
const STATUSES: readonly JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

const invalid = (message: string) => new DubarrError('E_INVALID_ARGUMENT', message);

/** Where a page that ends with this job continues (pageInfo.endCursor; GraphQL's per-edge cursor). */
export function jobCursor(j: Pick<Job, 'createdAt' | 'id'>): string { return Buffer.from(`${j.createdAt}:${j.id}`).toString('base64url'); }

function decodeCursor(c: string): { createdAt: number; id: string } {
  const m = /^(\d+):([0-9a-f]+)$/.exec(Buffer.from(c, 'base64url').toString());
  if (!m) throw invalid(`after: '${c}' is not a cursor from an earlier page (pageInfo.endCursor)`);
  return { createdAt: Number(m[1]), id: m[2]! };
}

/**
 * The one application service every door calls (CLI, REST, GraphQL, watch folders, webhooks):
 * doors parse and authorize, this decides. Nothing else outside core/jobs touches the job
 * store or the scheduler.
 */
export class JobsService {
  private readonly live: LiveProgress;
  /** Uploads a job is being made from (count per id): their folders must not go before its row exists. */
  private readonly claimedUploads = new Map<string, number>();
  private readonly completions: JobCompletions;

  constructor(private readonly d: JobsServiceDeps) {
    this.live = new LiveProgress(d.bus);
    this.completions = new JobCompletions(d.bus, (id) => this.ended(id), d.log);
  }

  /** Queues a job from a path or a finished upload; throws a coded error, creating no job, when the request is bad. */
  async create(input: CreateJobInput): Promise<JobView> {
    return this.claiming(input.uploadId, async () => {
      const { path, outDir } = await this.resolve(input);
      return this.view(this.d.scheduler.submit(jobSpec({ ...input, outDir }, path, this.d.config.pipeline)));
    });
  }

  /** The input's path, and the output folder, each held to the roots where the door's clients are not the machine's own users. */
  private async resolve(input: CreateJobInput): Promise<{ path: string; outDir?: string }> {
    const path = await this.inputPath(input);
    // An output folder an API client names is held to the same roots (it must exist there).
    const outDir = input.origin === 'api' && input.outDir !== undefined ? await this.outputInsideRoots(input.outDir) : input.outDir;
    return { path, outDir };
  }

  /** Creates a job and runs it in this process at once (the CLI's `dub`); `done` resolves with the finished job. */
  async runHere(input: CreateJobInput): Promise<{ job: Job; done: Promise<Job> }> {
    return this.claiming(input.uploadId, async () => this.d.scheduler.runNow(jobSpec(input, await this.inputPath(input), this.d.config.pipeline)));
  }

  /**
   * Whether a job uses the folder of an upload's job input (see uploads/upload-job-input.ts): a
   * job of any status has its input there (the row is its claim: a failed job may be retried, a
   * finished one's artifacts lie beside its input), or one is being made from the upload now.
   */
  usesUpload(uploadId: string, folder: string): boolean {
    return this.claimedUploads.has(uploadId) || this.d.store.hasJobWithInputIn(folder);
  }

  /** Runs `fn` (which makes a job from the upload) with the upload claimed, so its folder stays until the job's row exists. */
  private async claiming<T>(uploadId: string | undefined, fn: () => Promise<T>): Promise<T> {
    if (uploadId === undefined) return fn();
    this.claimedUploads.set(uploadId, (this.claimedUploads.get(uploadId) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      const n = this.claimedUploads.get(uploadId)! - 1;
      if (n === 0) this.claimedUploads.delete(uploadId);
      else this.claimedUploads.set(uploadId, n);
    }
  }

  private async inputPath(input: CreateJobInput): Promise<string> {
    if ((input.path === undefined) === (input.uploadId === undefined)) throw invalid('Give exactly one of path or uploadId');
    // A relative path is refused by jobSpec as an invalid argument, whatever the door.
    // API clients and webhook senders name paths; only the CLI and watch folders are the machine's own users.
    const held = input.origin === 'api' || input.origin === 'webhook';
    if (input.path !== undefined) return held && isAbsolute(input.path) ? this.insideRoots(input.path, 'path') : input.path;
    if (!this.d.uploads) throw invalid('This server takes no uploads; give the path of a file it can read');
    return this.d.uploads.resolve(input.uploadId!);
  }

  /**
   * An output folder an API client named: it may not exist yet (the job creates it), so its
   * nearest existing ancestor must resolve inside the roots, and the rest may hold no '..'.
   */
  private async outputInsideRoots(dir: string): Promise<string> {
    if (!isAbsolute(dir)) return dir; // refused by jobSpec
    if (dir.split(/[\\/]/).includes('..')) return this.insideRoots(dir, 'outDir');
    const missing: string[] = [];
    let existing = dir;
    while (!existsSync(existing) && dirname(existing) !== existing) {
      missing.unshift(basename(existing));
      existing = dirname(existing);
    }
    return join(await this.insideRoots(existing, 'outDir'), ...missing);
  }

  /**
   * A path an API client or a webhook named must resolve, after symlinks, inside
   * server.mediaRoots or the uploads folder (E_PATH_NOT_ALLOWED); the CLI and watch folders are
   * the machine's own users.
   */
  private insideRoots(path: string, field: string): Promise<string> {
    const uploadsDir = this.d.uploads?.dir ?? join(this.d.config.dataDir, 'uploads');
    return resolveInsideRoots(path, this.d.config.server.mediaRoots, uploadsDir).catch((e: unknown) => {
      const err = DubarrError.from(e);
      throw err.code === 'E_PATH_NOT_ALLOWED' ? new DubarrError(err.code, `${field}: ${err.message}`) : err;
    });
  }

  /** A job by id (or an unambiguous id prefix); E_JOB_NOT_FOUND otherwise. */
  get(id: string): JobView {
    return this.view(this.d.store.getJob(id));
  }

  /** The stored job with every stage run and event (the CLI's detailed views). */
  history(id: string): { job: Job; runs: StageRun[]; events: JobEvent[]; cost?: JobCost } {
    const job = this.d.store.getJob(id);
    return { job, runs: this.d.store.stageRuns(job.id), events: this.d.store.events(job.id), cost: this.d.costs?.forJobs([job.id]).get(job.id) };
  }

  /** Newest first; a page continues after `after`, so jobs created meanwhile do not shift it. */
  list(q: ListJobsInput = {}): JobPage {
    const first = q.first ?? 50;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw invalid(`first must be a whole number from 1 to ${MAX_PAGE}, got ${q.first}`);
    if (q.status !== undefined && !STATUSES.includes(q.status)) throw invalid(`status must be one of ${STATUSES.join(', ')}, got '${q.status}'`);
    const rows = this.d.store.listJobs({ status: q.status, search: q.search || undefined, after: q.after ? decodeCursor(q.after) : undefined, limit: first + 1 });
    const page = rows.slice(0, first);
    const runs = this.d.store.stageRunSummaries(page.map((j) => j.id));
    const warnings = this.warningsOf(page);
    const costs = this.d.costs?.forJobs(page.map((j) => j.id));
    return {
      items: page.map((j) => jobView(j, runs.get(j.id)!, this.live, warnings.get(j.id), costs?.get(j.id))),
      pageInfo: { endCursor: page.length ? jobCursor(page.at(-1)!) : undefined, hasNextPage: rows.length > first },
    };
  }

  /**
   * Cancels a queued job at once, or a running one: here by aborting it, in another process
   * by asking that process (it stops it within a second). E_JOB_STATE for a finished job.
   */
  cancel(id: string): JobView {
    return this.view(this.d.scheduler.cancel(id));
  }

  /**
   * Queues a failed or cancelled job again. Its finished stages are stage-cache hits, so it
   * resumes at the stage that failed. E_JOB_STATE otherwise.
   */
  retry(id: string): JobView {
    return this.view(this.d.scheduler.retry(id));
  }

  /**
   * Deletes a job that is not running, with its records and its own files (see job-files.ts:
   * never the input, never anything in the user's library). A running job is refused
   * (E_JOB_STATE): cancel it first. Deleting a succeeded job also forgets that its file was
   * dubbed: a watched folder queues that file again at its next start.
   */
  async delete(id: string): Promise<{ id: string; removedFiles: string[] }> {
    const job = this.d.store.getJob(id);
    const files = await ownFiles({
      id: job.id, input: job.input, workRoot: this.d.workRoot, ownedRoots: this.d.uploads ? [this.d.uploads.dir] : [],
      delivered: this.d.delivered.filesOf(job.id),
    });
    // Atomic: a job that started meanwhile is not deleted.
    if (!this.d.store.deleteJob(job.id)) {
      throw new DubarrError('E_JOB_STATE', `Job ${job.id} is running; cancel it first (dubarr jobs cancel ${job.id}, or POST /api/jobs/${job.id}/cancel), then delete it`);
    }
    const removedFiles = await removeOwnFiles(files);
    await this.d.uploads?.releaseJobInput?.(job.input);
    this.d.log.info({ job: job.id, removedFiles }, 'job deleted');
    return { id: job.id, removedFiles };
  }

  /**
   * The job's updates: its state now, then each change (per-stage progress never decreasing,
   * at most one update per throttle interval), ending after a terminal state.
   * Throws E_JOB_NOT_FOUND at once for an unknown job.
   */
  subscribe(id: string, o: SubscribeOptions = {}): AsyncGenerator<JobView> {
    const jobId = this.d.store.getJob(id).id;
    return jobUpdates(this.d.bus, jobId, () => this.get(jobId), o);
  }

  /**
   * Every job's updates from now on (see all-job-updates.ts): throttled per job, transitions at
   * once; jobs run by another process are seen through the events table.
   */
  subscribeAll(o: AllUpdatesOptions = {}): AsyncGenerator<JobView> {
    return allJobUpdates(this.d.bus, this.d.store, (id) => {
      try {
        return this.get(id);
      } catch (e) {
        if (DubarrError.from(e).code === 'E_JOB_NOT_FOUND') return undefined; // deleted meanwhile
        throw e;
      }
    }, o);
  }

  /** What the job made that can be downloaded (see artifacts.ts). */
  artifacts(id: string): Artifact[] {
    const job = this.d.store.getJob(id);
    return listArtifacts(job, this.d.store.stageRuns(job.id), this.d.costs?.forJobs([job.id]).get(job.id));
  }

  /** One artifact by name; E_ARTIFACT_NOT_FOUND when the job has none of that name (or its file is gone). */
  artifact(id: string, name: string): Artifact {
    const found = this.artifacts(id).find((a) => a.name === name);
    if (!found) throw new DubarrError('E_ARTIFACT_NOT_FOUND', `Job ${id} has no artifact '${name}'`);
    return found;
  }

  /** Jobs per status, and the ids this process is running (health). */
  counts(): { jobs: Record<JobStatus, number>; running: string[] } {
    return { jobs: this.d.store.countByStatus(), running: this.d.scheduler.running };
  }

  /** A job on this file is queued, running or has succeeded. */
  hasPendingOrSucceededJob(path: string): boolean { return this.d.store.hasPendingOrSucceededJob(path); }

  /** The job is queued or running (false once it ended or was deleted). */
  isPending(id: string): boolean {
    try {
      const { status } = this.d.store.getJob(id);
      return status === 'queued' || status === 'running';
    } catch (e) {
      if (DubarrError.from(e).code === 'E_JOB_NOT_FOUND') return false;
      throw e;
    }
  }

  // What acts on a job's end (media server refresh, notifications).

  /** Calls `listener` once for every job this process runs to its end; returns the function that removes it. */
  onJobEnded(listener: JobEndListener): () => void { return this.completions.add(listener); }

  /**
   * Records a warning on a job that does not change its status (a media server that could not be
   * told of its files): a job.warning event, shown by `dubarr jobs show` and in JobView.warnings.
   */
  warn(jobId: string, w: Omit<JobWarning, 'at'>): void {
    this.d.journal.record(jobId, 'job.warning', undefined, { code: w.code, message: w.message });
    // Written now, not a turn later: whoever asks for the job next sees it.
    this.d.journal.flush();
  }

  /** Resolves once the job end listeners under way have finished. */
  completionsIdle(): Promise<void> { return this.completions.idle(); }

  /** Stops calling job end listeners; the calls under way are aborted and waited for. */
  close(): Promise<void> { return this.completions.close(); }

  private ended(id: string): EndedJob | undefined {
    try {
      const job = this.d.store.getJob(id);
      return { job, delivered: this.d.delivered.filesOf(job.id).map((f) => f.path) };
    } catch (e) {
      if (DubarrError.from(e).code === 'E_JOB_NOT_FOUND') return undefined;
      throw e;
    }
  }

  private view(job: Job): JobView {
    return jobView(job, this.d.store.stageRunSummaries([job.id]).get(job.id)!, this.live, this.warningsOf([job]).get(job.id), this.d.costs?.forJobs([job.id]).get(job.id));
  }

  /** Warnings come after a job's end, so only finished jobs are looked up (one statement for a page). */
  private warningsOf(jobs: readonly Job[]): Map<string, JobWarning[]> {
    const ended = jobs.filter((j) => j.status !== 'queued' && j.status !== 'running').map((j) => j.id);
    const out = new Map<string, JobWarning[]>();
    for (const [id, list] of this.d.store.warnings(ended)) {
      out.set(id, list.map(({ ts, data }) => {
        const d = (data ?? {}) as { code?: unknown; message?: unknown };
        return { code: String(d.code ?? 'E_INTERNAL'), message: String(d.message ?? ''), at: ts };
      }));
    }
    return out;
  }
}
