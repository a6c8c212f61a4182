import { randomBytes } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import { DubarrError, type ErrorCode } from '../../plugins/sdk/errors.js';
import type { Db } from './database.js';
import type { Plan } from '../pipeline/plan.js';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type JobOrigin = 'cli' | 'api' | 'watch' | 'webhook' | 'backfill';
export type StageRunStatus = 'running' | 'succeeded' | 'cached' | 'failed' | 'cancelled' | 'skipped';

/**
 * Lower runs first. A webhook (Sonarr, Jellyfin: a file just arrived) shares the watch folders'
 * tier: both are new files, taken in the order they came, before any backfill.
 */
export const PRIORITY = { interactive: 0, webhook: 1, watch: 1, backfill: 2 } as const;

export interface JobOptions {
  mode?: 'mux' | 'sidecar' | 'inplace';
  outDir?: string;
  forceInplaceHardlinked?: boolean;
  defaultAudio?: 'original' | 'dub';
  defaultSubtitle?: 'none' | 'dub';
  subtitleFormats?: Array<'srt' | 'vtt' | 'ass'>;
  /** Explicit provider (plugin name) per capability. */
  providers?: Record<string, string>;
  /** Per-plugin option overrides for this job. */
  plugins?: Record<string, Record<string, unknown>>;
  /** Terms the translate steps keep or translate as given (params.glossary); they win over a provider's own glossary. */
  glossary?: Array<{ term: string; translation?: string }>;
  /** The media server item a webhook job came from (server: its key, '<kind> <url>'), refreshed when the job is done. */
  mediaItem?: { server: string; id: string };
  [key: string]: unknown;
}

export interface JobSpec {
  input: string;
  preset: string;
  sourceLanguage?: string;
  targetLanguages: string[];
  options?: JobOptions;
  priority?: number;
  origin: JobOrigin;
}

export interface Job {
  id: string;
  input: string;
  preset: string;
  sourceLanguage?: string;
  targetLanguages: string[];
  options: JobOptions;
  plan?: Plan;
  status: JobStatus;
  priority: number;
  origin: JobOrigin;
  owner?: string;
  heartbeatAt?: number;
  attempts: number;
  progress: number;
  progressNote?: string;
  error?: { code: ErrorCode; message: string };
  result?: unknown;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  updatedAt: number;
}

export interface StageRun {
  id: number;
  jobId: string;
  step: string;
  stageId?: string;
  provider?: string;
  status: StageRunStatus;
  cacheKey?: string;
  attempt: number;
  startedAt: number;
  finishedAt?: number;
  durationMs?: number;
  error?: { code: string; message: string };
  artifacts?: unknown;
}

/** What a job's view shows of a stage run: no artifacts (parsed JSON, the largest column), no cache key. */
export type StageRunSummary = Pick<StageRun, 'step' | 'provider' | 'status' | 'attempt' | 'durationMs' | 'error'>;

export interface JobEvent {
  id: number;
  jobId: string;
  ts: number;
  type: string;
  step?: string;
  data?: unknown;
}

interface JobRow {
  id: string; input: string; preset: string; source_language: string | null; target_languages: string; options: string;
  plan: string | null; status: JobStatus; priority: number; origin: JobOrigin; owner: string | null; heartbeat_at: number | null; attempts: number;
  progress: number; progress_note: string | null; error_code: string | null; error_message: string | null;
  result: string | null; created_at: number; started_at: number | null; finished_at: number | null; updated_at: number;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
const parse = <T>(s: string | null): T | undefined => (s == null ? undefined : (JSON.parse(s) as T));
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function toJob(r: JobRow): Job {
  return {
    id: r.id, input: r.input, preset: r.preset, sourceLanguage: opt(r.source_language),
    targetLanguages: JSON.parse(r.target_languages) as string[], options: JSON.parse(r.options) as JobOptions,
    plan: parse<Plan>(r.plan), status: r.status, priority: r.priority, origin: r.origin, owner: opt(r.owner), heartbeatAt: opt(r.heartbeat_at),
    attempts: r.attempts, progress: r.progress, progressNote: opt(r.progress_note),
    error: r.error_code ? { code: r.error_code as ErrorCode, message: r.error_message ?? '' } : undefined,
    result: parse(r.result), createdAt: r.created_at, startedAt: opt(r.started_at), finishedAt: opt(r.finished_at),
    updatedAt: r.updated_at,
  };
}

/**
 * Up to N finished jobs that ended before a time, deleted; stage runs and events go with them
 * (ON DELETE CASCADE, by their job_id indexes). A file's newest succeeded job is never one of
 * them (see schemas/sql/003). Without INDEXED BY the planner picks jobs_queue for the status test
 * and reads every finished job; with it, a query the partial index cannot answer fails to prepare.
 */
export const EXPIRE_JOBS_SQL = `DELETE FROM jobs WHERE id IN (SELECT id FROM jobs INDEXED BY jobs_expirable
  WHERE finished_at < ? AND (status IN ('failed', 'cancelled') OR (status = 'succeeded' AND superseded = 1)) LIMIT ?) RETURNING id, input`;

/** Whether a file has a queued, running or succeeded job: a lookup of that file's jobs (jobs_input). */
export const PENDING_OR_SUCCEEDED_SQL = `SELECT 1 FROM jobs INDEXED BY jobs_input
  WHERE input = ? AND status IN ('queued', 'running', 'succeeded') LIMIT 1`;

/**
 * A job whose input lies in a folder: its path is in [folder + '/', folder + '0'), '0' being the
 * character after '/', a range the input index answers without a scan (LIKE could not use it).
 */
export const INPUT_IN_FOLDER_SQL = `SELECT 1 FROM jobs INDEXED BY jobs_input WHERE input >= ? AND input < ? LIMIT 1`;

/**
 * At most one running job per input file: two jobs on one file (a server's watch job and a
 * `dubarr dub`, or two jobs with jobs.concurrency > 1) would write the same temporary and backup
 * names beside it, and one in-place job would take the other's live backup for a leftover. A
 * queued job whose file has a running job is passed over (it runs once that one ends), by a
 * lookup of the file's jobs (jobs_input) per candidate, in queue order (jobs_queue).
 */
const NO_RUNNING_JOB_ON_INPUT = (alias: string) =>
  `NOT EXISTS (SELECT 1 FROM jobs AS busy INDEXED BY jobs_input WHERE busy.input = ${alias}.input AND busy.status = 'running')`;

const CLAIM = `UPDATE jobs SET status = 'running', owner = @owner, heartbeat_at = @now, attempts = attempts + 1,
  started_at = COALESCE(started_at, @now), updated_at = @now`;

/** Takes the most urgent queued job whose file no job is running on. */
export const CLAIM_NEXT_SQL = `${CLAIM}
  WHERE id = (SELECT q.id FROM jobs AS q WHERE q.status = 'queued' AND ${NO_RUNNING_JOB_ON_INPUT('q')}
              ORDER BY q.priority, q.created_at, q.rowid LIMIT 1)
  RETURNING *`;

/** Takes one queued job, unless a job is running on its file. */
export const CLAIM_BY_ID_SQL = `${CLAIM} WHERE id = @id AND status = 'queued' AND ${NO_RUNNING_JOB_ON_INPUT('jobs')} RETURNING *`;

/** The running job on a file, if any. */
export const RUNNING_ON_INPUT_SQL = `SELECT * FROM jobs INDEXED BY jobs_input WHERE input = ? AND status = 'running' LIMIT 1`;

/** Warnings recorded after the fact (a media server that could not be told): events of one type, by the job's events index. */
const WARNINGS_SQL = `SELECT job_id, ts, data FROM events INDEXED BY events_job
  WHERE job_id IN (SELECT value FROM json_each(?)) AND type = 'job.warning' ORDER BY job_id, id`;

/**
 * Newest first, by (created_at, id): a page continues strictly after the last (created_at, id)
 * of the one before, so jobs created meanwhile never shift it. The search is a substring of the
 * input path, case-insensitive for ASCII (LIKE), with its own % and _ taken literally.
 */
export const LIST_JOBS_SQL = `SELECT * FROM jobs
  WHERE (@status IS NULL OR status = @status)
    AND (@search IS NULL OR input LIKE '%' || @search || '%' ESCAPE '\\')
    AND (@afterCreatedAt IS NULL OR created_at < @afterCreatedAt OR (created_at = @afterCreatedAt AND id < @afterId))
  ORDER BY created_at DESC, id DESC LIMIT @limit`;

/**
 * The stage runs of a page of jobs (their ids as one JSON array) in one statement, each job's
 * by the stage_runs_job index in id order; the columns a job's view shows, not the artifacts.
 */
export const STAGE_RUN_SUMMARIES_SQL = `SELECT job_id, step, provider, status, attempt, duration_ms, error_code, error_message
  FROM stage_runs WHERE job_id IN (SELECT value FROM json_each(?)) ORDER BY job_id, id`;

/** Where a page of jobs ends: the next page starts after it. */
export interface JobCursor { createdAt: number; id: string }

export interface ListJobsQuery {
  status?: JobStatus;
  /** A substring of the input path. */
  search?: string;
  after?: JobCursor;
  limit?: number;
}

/** Durable state of jobs, their stage runs and events. Synchronous: better-sqlite3 calls take microseconds. */
export class JobStore {
  private readonly s: Record<string, Statement>;

  constructor(readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      insert: p(`INSERT INTO jobs (id, input, preset, source_language, target_languages, options, status, priority, origin,
                 created_at, updated_at) VALUES (@id, @input, @preset, @source_language, @target_languages, @options,
                 'queued', @priority, @origin, @now, @now)`),
      get: p('SELECT * FROM jobs WHERE id = ?'),
      byPrefix: p("SELECT * FROM jobs WHERE id LIKE ? || '%' LIMIT 2"),
      claimNext: p(CLAIM_NEXT_SQL),
      claimById: p(CLAIM_BY_ID_SQL),
      runningOn: p(RUNNING_ON_INPUT_SQL),
      warnings: p(WARNINGS_SQL),
      setPlan: p('UPDATE jobs SET plan = ?, updated_at = ? WHERE id = ?'),
      progress: p('UPDATE jobs SET progress = ?, progress_note = ?, updated_at = ? WHERE id = ?'),
      heartbeat: p("UPDATE jobs SET heartbeat_at = ? WHERE owner = ? AND status = 'running'"),
      finish: p(`UPDATE jobs SET status = @status, error_code = @code, error_message = @message, result = @result,
                 progress = CASE WHEN @status = 'succeeded' THEN 1 ELSE progress END,
                 finished_at = @now, updated_at = @now, owner = NULL WHERE id = @id`),
      requeue: p(`UPDATE jobs SET status = 'queued', owner = NULL, cancel_requested = 0, updated_at = ? WHERE id = ? AND status = 'running'`),
      cancelQueued: p(`UPDATE jobs SET status = 'cancelled', error_code = 'E_CANCELLED', error_message = 'Cancelled before it started',
                       finished_at = ?, updated_at = ? WHERE id = ? AND status = 'queued'`),
      retry: p(`UPDATE jobs SET status = 'queued', error_code = NULL, error_message = NULL, progress = 0, progress_note = NULL,
                finished_at = NULL, updated_at = ?, attempts = 0, cancel_requested = 0 WHERE id = ? AND status IN ('failed', 'cancelled')`),
      running: p("SELECT * FROM jobs WHERE status = 'running'"),
      requestCancel: p("UPDATE jobs SET cancel_requested = 1, updated_at = ? WHERE id = ? AND status = 'running'"),
      cancelRequested: p("SELECT id FROM jobs WHERE status = 'running' AND owner = ? AND cancel_requested = 1"),
      list: p(LIST_JOBS_SQL),
      remove: p(`DELETE FROM jobs WHERE id = ? AND status != 'running' RETURNING *`),
      counts: p('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status'),
      pendingOrDone: p(PENDING_OR_SUCCEEDED_SQL),
      inputInFolder: p(INPUT_IN_FOLDER_SQL),
      startRun: p(`INSERT INTO stage_runs (job_id, step, stage_id, provider, status, cache_key, attempt, started_at)
                   VALUES (@jobId, @step, @stageId, @provider, @status, @cacheKey, @attempt, @now)`),
      finishRun: p(`UPDATE stage_runs SET status = @status, finished_at = @now, duration_ms = @now - started_at,
                    error_code = @code, error_message = @message, artifacts = @artifacts WHERE id = @id`),
      runs: p('SELECT * FROM stage_runs WHERE job_id = ? ORDER BY id'),
      // Rows as arrays: a page of 50 dubs is ~950 rows, and an object per row costs twice the time.
      runSummaries: p(STAGE_RUN_SUMMARIES_SQL).raw(true),
      // The journal writes events a moment after they happen: by then their job may be deleted.
      event: p('INSERT INTO events (job_id, ts, type, step, data) SELECT @jobId, @ts, @type, @step, @data WHERE EXISTS (SELECT 1 FROM jobs WHERE id = @jobId)'),
      expire: p(EXPIRE_JOBS_SQL),
      events: p('SELECT * FROM events WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?'),
      lastEventId: p('SELECT COALESCE(MAX(id), 0) AS last FROM events'),
      changedJobs: p('SELECT job_id, MAX(id) AS last FROM events WHERE id > ? GROUP BY job_id'),
    };
  }

  createJob(spec: JobSpec): Job {
    const id = randomBytes(6).toString('hex');
    this.s.insert!.run({
      id, input: spec.input, preset: spec.preset, source_language: spec.sourceLanguage ?? null,
      target_languages: JSON.stringify(spec.targetLanguages), options: JSON.stringify(spec.options ?? {}),
      priority: spec.priority ?? PRIORITY.interactive, origin: spec.origin, now: Date.now(),
    });
    return this.getJob(id);
  }

  /** A job by id or by an unambiguous id prefix (what the CLI accepts). */
  getJob(idOrPrefix: string): Job {
    const exact = this.s.get!.get(idOrPrefix) as JobRow | undefined;
    if (exact) return toJob(exact);
    const rows = idOrPrefix.length >= 4 ? (this.s.byPrefix!.all(idOrPrefix) as JobRow[]) : [];
    if (rows.length === 1) return toJob(rows[0]!);
    throw new DubarrError('E_JOB_NOT_FOUND', rows.length > 1 ? `Job id '${idOrPrefix}' is ambiguous` : `No job '${idOrPrefix}'`);
  }

  /**
   * Atomically takes the most urgent queued job (lowest priority value, then oldest) whose file
   * has no running job; a job on a busy file keeps its place in the queue.
   */
  claimNext(owner: string): Job | undefined {
    const r = this.s.claimNext!.get({ owner, now: Date.now() }) as JobRow | undefined;
    return r && toJob(r);
  }

  /** Takes a queued job; undefined if it is not queued, or a job is running on its file (runningJobOn says which). */
  claim(id: string, owner: string): Job | undefined {
    const r = this.s.claimById!.get({ id, owner, now: Date.now() }) as JobRow | undefined;
    return r && toJob(r);
  }

  runningJobOn(input: string): Job | undefined {
    const r = this.s.runningOn!.get(input) as JobRow | undefined;
    return r && toJob(r);
  }

  /** Each job's warnings (events of type job.warning), oldest first; one statement for a page. */
  warnings(jobIds: readonly string[]): Map<string, Array<{ ts: number; data: unknown }>> {
    const out = new Map<string, Array<{ ts: number; data: unknown }>>(jobIds.map((id) => [id, []]));
    if (jobIds.length === 0) return out;
    for (const r of this.s.warnings!.all(JSON.stringify(jobIds)) as Array<{ job_id: string; ts: number; data: string | null }>) {
      out.get(r.job_id)!.push({ ts: r.ts, data: parse(r.data) });
    }
    return out;
  }

  setPlan(id: string, plan: Plan): void { this.s.setPlan!.run(JSON.stringify(plan), Date.now(), id); }

  setProgress(id: string, progress: number, note?: string): void {
    this.s.progress!.run(progress, note ?? null, Date.now(), id);
  }

  heartbeat(owner: string): void { this.s.heartbeat!.run(Date.now(), owner); }

  finishJob(id: string, status: 'succeeded' | 'failed' | 'cancelled', opts: { error?: { code: string; message: string }; result?: unknown } = {}): Job {
    this.s.finish!.run({ id, status, code: opts.error?.code ?? null, message: opts.error?.message ?? null, result: json(opts.result), now: Date.now() });
    return this.getJob(id);
  }

  /** Puts a running job back in the queue (shutdown, or its process died); its finished stages are in the cache. */
  requeue(id: string): boolean { return this.s.requeue!.run(Date.now(), id).changes === 1; }

  cancelQueued(id: string): boolean { const now = Date.now(); return this.s.cancelQueued!.run(now, now, id).changes === 1; }

  retry(id: string): boolean { return this.s.retry!.run(Date.now(), id).changes === 1; }

  /** Asks the process running the job to cancel it (it polls); for jobs run by another process. */
  requestCancel(id: string): boolean { return this.s.requestCancel!.run(Date.now(), id).changes === 1; }

  cancelRequests(owner: string): string[] { return (this.s.cancelRequested!.all(owner) as { id: string }[]).map((r) => r.id); }

  runningJobs(): Job[] { return (this.s.running!.all() as JobRow[]).map(toJob); }

  listJobs(q: ListJobsQuery = {}): Job[] {
    return (this.s.list!.all({
      status: q.status ?? null, search: q.search ? q.search.replace(/[\\%_]/g, (c) => `\\${c}`) : null,
      afterCreatedAt: q.after?.createdAt ?? null, afterId: q.after?.id ?? null, limit: q.limit ?? 50,
    }) as JobRow[]).map(toJob);
  }

  /**
   * Deletes a job that is not running, with its stage runs, events and delivered-file records
   * (ON DELETE CASCADE); undefined when no row was deleted (no such job, or it is running).
   */
  deleteJob(id: string): Job | undefined {
    const r = this.s.remove!.get(id) as JobRow | undefined;
    return r && toJob(r);
  }

  /**
   * Whether a job on this input file is queued, running or has succeeded (a watch folder skips
   * such a file). Retention keeps every file's newest succeeded job, so the answer holds for years.
   */
  hasPendingOrSucceededJob(input: string): boolean { return this.s.pendingOrDone!.get(input) !== undefined; }

  /** Whether any job (of any status) has its input inside `folder` (an absolute path without a trailing '/'). */
  hasJobWithInputIn(folder: string): boolean { return this.s.inputInFolder!.get(`${folder}/`, `${folder}0`) !== undefined; }

  countByStatus(): Record<JobStatus, number> {
    const out: Record<JobStatus, number> = { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
    for (const r of this.s.counts!.all() as { status: JobStatus; n: number }[]) out[r.status] = r.n;
    return out;
  }

  startStageRun(r: { jobId: string; step: string; stageId?: string; provider?: string; status?: StageRunStatus; cacheKey?: string; attempt?: number }): number {
    return Number(this.s.startRun!.run({
      jobId: r.jobId, step: r.step, stageId: r.stageId ?? null, provider: r.provider ?? null, status: r.status ?? 'running',
      cacheKey: r.cacheKey ?? null, attempt: r.attempt ?? 1, now: Date.now(),
    }).lastInsertRowid);
  }

  finishStageRun(id: number, status: StageRunStatus, opts: { error?: { code: string; message: string }; artifacts?: unknown } = {}): void {
    this.s.finishRun!.run({ id, status, code: opts.error?.code ?? null, message: opts.error?.message ?? null, artifacts: json(opts.artifacts), now: Date.now() });
  }

  stageRuns(jobId: string): StageRun[] {
    type Row = { id: number; job_id: string; step: string; stage_id: string | null; provider: string | null; status: StageRunStatus;
      cache_key: string | null; attempt: number; started_at: number; finished_at: number | null; duration_ms: number | null;
      error_code: string | null; error_message: string | null; artifacts: string | null };
    return (this.s.runs!.all(jobId) as Row[]).map((r) => ({
      id: r.id, jobId: r.job_id, step: r.step, stageId: opt(r.stage_id), provider: opt(r.provider), status: r.status,
      cacheKey: opt(r.cache_key), attempt: r.attempt, startedAt: r.started_at, finishedAt: opt(r.finished_at),
      durationMs: opt(r.duration_ms), error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : undefined,
      artifacts: parse(r.artifacts),
    }));
  }

  /**
   * The stage runs of several jobs, in id order per job, as their views show them: one query for
   * a page of jobs instead of one each, and without the artifacts column. Every id is a key.
   */
  stageRunSummaries(jobIds: readonly string[]): Map<string, StageRunSummary[]> {
    // The columns of STAGE_RUN_SUMMARIES_SQL, in its order.
    type Row = [jobId: string, step: string, provider: string | null, status: StageRunStatus, attempt: number,
      durationMs: number | null, errorCode: string | null, errorMessage: string | null];
    const out = new Map<string, StageRunSummary[]>(jobIds.map((id) => [id, []]));
    for (const [jobId, step, provider, status, attempt, durationMs, errorCode, errorMessage] of this.s.runSummaries!.all(JSON.stringify(jobIds)) as Row[]) {
      out.get(jobId)!.push({
        step, provider: opt(provider), status, attempt, durationMs: opt(durationMs),
        error: errorCode ? { code: errorCode, message: errorMessage ?? '' } : undefined,
      });
    }
    return out;
  }

  /** Records an event of a job; one of a job deleted meanwhile is dropped. */
  addEvent(jobId: string, type: string, step?: string, data?: unknown, ts = Date.now()): void {
    this.s.event!.run({ jobId, ts, type, step: step ?? null, data: json(data) });
  }

  /** The id of the newest event row, where a tail of the events table starts. */
  lastEventId(): number {
    return (this.s.lastEventId!.get() as { last: number }).last;
  }

  /**
   * The jobs with events written after event `afterId` (by any process), and the newest event id
   * seen: how one process learns of the jobs another runs. The primary key makes it a range scan.
   */
  jobsChangedSince(afterId: number): { jobIds: string[]; last: number } {
    const rows = this.s.changedJobs!.all(afterId) as Array<{ job_id: string; last: number }>;
    return { jobIds: rows.map((r) => r.job_id), last: rows.reduce((m, r) => Math.max(m, r.last), afterId) };
  }

  events(jobId: string, afterId = 0, limit = 1000): JobEvent[] {
    type Row = { id: number; job_id: string; ts: number; type: string; step: string | null; data: string | null };
    return (this.s.events!.all(jobId, afterId, limit) as Row[]).map((r) => ({
      id: r.id, jobId: r.job_id, ts: r.ts, type: r.type, step: opt(r.step), data: parse(r.data),
    }));
  }

  /**
   * Deletes up to `limit` finished jobs that finished before `cutoff`, with their stage runs and
   * events, except each file's newest succeeded job (the record that it is done); returns their ids. In batches, so a first run over years of history does not hold the
   * write lock for long.
   */
  deleteFinishedBefore(cutoff: number, limit = 500): string[] {
    return this.expireFinishedBefore(cutoff, limit).map((r) => r.id);
  }

  /** As deleteFinishedBefore, with each deleted job's input (an upload's folder may go with its last job). */
  expireFinishedBefore(cutoff: number, limit = 500): Array<{ id: string; input: string }> {
    return this.s.expire!.all(cutoff, limit) as Array<{ id: string; input: string }>;
  }

  /** Runs fn in one transaction (many small writes cost one commit). */
  transaction<T>(fn: () => T): T { return this.db.transaction(fn)(); }
}
