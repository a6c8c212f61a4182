import { ERROR_TABLE, isErrorCode, type ErrorCode } from '../../plugins/sdk/errors.js';
import type { JobCost } from '../jobs/cost-ledger.js';
import type { Job, JobOptions, JobOrigin, JobStatus, StageRunStatus, StageRunSummary } from '../jobs/store.js';
import type { LiveProgress } from './live-progress.js';

export interface StageView {
  /** The plan step ('translate:es'). */
  id: string;
  capability: string;
  provider?: string;
  status: StageRunStatus | 'pending';
  progress: number;
  /** Its result came from the stage cache. */
  cached: boolean;
  attempt?: number;
  durationMs?: number;
  error?: { code: string; message: string };
}

/** Something that went wrong after the job's end without failing it (a media server not told of its files). */
export interface JobWarning {
  code: string;
  message: string;
  /** When it was recorded (ms since the epoch). */
  at: number;
}

/** A job as every door shows it: what was asked, where it stands, per stage; no internal records (plan, owner, raw result). */
export interface JobView {
  id: string;
  status: JobStatus;
  progress: number;
  progressNote?: string;
  /** Seconds left at the rate so far; only while running. */
  etaSeconds?: number;
  input: string;
  preset: string;
  sourceLanguage?: string;
  targetLanguages: string[];
  options: Pick<JobOptions, 'mode' | 'outDir' | 'providers'>;
  origin: JobOrigin;
  priority: number;
  attempts: number;
  error?: { code: ErrorCode; message: string; hint: string };
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  updatedAt: number;
  stages: StageView[];
  /** The QA report of a succeeded job. */
  qa?: unknown;
  /** What cloud providers were paid (and what their result cache saved); absent when nothing was. */
  cost?: JobCost;
  /** Oldest first; empty for most jobs. */
  warnings: JobWarning[];
}

const DONE: ReadonlySet<StageRunStatus> = new Set(['succeeded', 'cached', 'skipped']);

export function isTerminal(status: JobStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

export function jobView(job: Job, runs: readonly StageRunSummary[], live: LiveProgress, warnings: JobWarning[] = [], cost?: JobCost, now = Date.now()): JobView {
  const running = job.status === 'running';
  const current = running ? live.get(job.id) : undefined;
  const progress = job.status === 'succeeded' ? 1 : Math.max(job.progress, current?.progress ?? 0);
  const lastRun = new Map<string, StageRunSummary>();
  for (const r of runs) lastRun.set(r.step, r); // runs come in id order: the last one stands
  const stages = (job.plan?.steps ?? []).map((step): StageView => {
    const r = lastRun.get(step.id);
    const status = r?.status ?? 'pending';
    return {
      id: step.id, capability: step.capability, provider: r?.provider, status,
      progress: DONE.has(status as StageRunStatus) ? 1 : (current?.steps.get(step.id) ?? 0),
      cached: status === 'cached', attempt: r?.attempt, durationMs: r?.durationMs, error: r?.error,
    };
  });
  const elapsed = running && job.startedAt ? now - job.startedAt : 0;
  return {
    id: job.id, status: job.status, progress, progressNote: current?.note ?? job.progressNote,
    etaSeconds: running && progress > 0.01 && progress < 1 ? Math.round((elapsed * (1 - progress)) / progress / 1000) : undefined,
    input: job.input, preset: job.preset, sourceLanguage: job.sourceLanguage, targetLanguages: job.targetLanguages,
    options: { mode: job.options.mode, outDir: job.options.outDir, providers: job.options.providers },
    origin: job.origin, priority: job.priority, attempts: job.attempts,
    // From the table, not a DubarrError: building one captures a stack, for every failed job a list shows.
    error: job.error && { ...job.error, hint: ERROR_TABLE[isErrorCode(job.error.code) ? job.error.code : 'E_INTERNAL'].hint },
    createdAt: job.createdAt, startedAt: job.startedAt, finishedAt: job.finishedAt, updatedAt: job.updatedAt,
    stages,
    qa: qaReport(job),
    cost,
    warnings,
  };
}

/** The QA step's document in a finished job's result: the output of the plan's 'qa' step. */
export function qaReport(job: Job): unknown {
  const outputs = (job.result as { outputs?: Record<string, { data?: unknown }> } | undefined)?.outputs;
  const step = job.plan?.steps.find((s) => s.capability === 'qa');
  return step ? outputs?.[step.id]?.data ?? undefined : undefined;
}
