import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';
import type { JobStatus } from './store.js';

export type LibraryOutcome = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';

/** What dubarr decided about one file of the library, for the content it had (table library_files, schemas/sql/007). */
export interface LibraryFile {
  path: string;
  sizeBytes: number;
  mtimeMs: number;
  /** Size and sampled hash of the bytes (contentOfFingerprint); '' when no job needed it taken. */
  content: string;
  outcome: LibraryOutcome;
  errorCode?: string;
  /** When the outcome was reached (a job's last status change). */
  outcomeAt: number;
  lastJobId?: string;
  /** The last job's target languages. */
  jobLanguages: string[];
  /** What the file had, or was done with, before the last job. */
  coveredLanguages: string[];
  /** Jobs queued for this content. */
  attempts: number;
}

/** A job another door (the API, a webhook, an earlier dubarr) queued or finished on a file. */
export interface JobOnFile { id: string; status: JobStatus; targetLanguages: string[]; updatedAt: number }

interface Row {
  path: string; size_bytes: number; mtime_ms: number; content: string; outcome: LibraryOutcome; error_code: string | null;
  outcome_at: number; last_job_id: string | null; job_languages: string; covered_languages: string; attempts: number;
}

/** A file's record: a primary-key lookup. */
export const LIBRARY_FILE_SQL = 'SELECT * FROM library_files WHERE path = ?';
/** The records whose last job this is (the watcher looks at them again when it ends). */
export const FILES_OF_JOB_SQL = 'SELECT * FROM library_files INDEXED BY library_files_job WHERE last_job_id = ?';
/** One lookup of a file's jobs (jobs_input); the newest first. */
export const JOB_ON_FILE_SQL = (statuses: string) => `SELECT id, status, target_languages, updated_at FROM jobs INDEXED BY jobs_input
  WHERE input = ? AND status IN (${statuses}) ORDER BY created_at DESC, rowid DESC LIMIT 1`;

/**
 * The per-file state of the library. Every read is one primary-key lookup, so a start-up scan
 * costs one lookup per file whatever the number of jobs; the outcome follows the file's job
 * by a trigger (schemas/sql/007), whichever process ran it.
 */
export class LibraryFiles {
  private readonly s: Record<'get' | 'put' | 'byJob' | 'pendingJob' | 'succeededJob' | 'job', Statement>;

  constructor(db: Db) {
    this.s = {
      get: db.prepare(LIBRARY_FILE_SQL),
      put: db.prepare(`INSERT OR REPLACE INTO library_files (path, size_bytes, mtime_ms, content, outcome, error_code, outcome_at,
        last_job_id, job_languages, covered_languages, attempts) VALUES (@path, @sizeBytes, @mtimeMs, @content, @outcome, @errorCode,
        @outcomeAt, @lastJobId, @jobLanguages, @coveredLanguages, @attempts)`),
      byJob: db.prepare(FILES_OF_JOB_SQL),
      pendingJob: db.prepare(JOB_ON_FILE_SQL("'queued', 'running'")),
      succeededJob: db.prepare(JOB_ON_FILE_SQL("'succeeded'")),
      job: db.prepare('SELECT id, status, target_languages, updated_at FROM jobs WHERE id = ?'),
    };
  }

  get(path: string): LibraryFile | undefined {
    const r = this.s.get.get(path) as Row | undefined;
    return r && toFile(r);
  }

  /** The files whose last job this is (one, unless two paths name the same file). */
  ofJob(jobId: string): LibraryFile[] {
    return (this.s.byJob.all(jobId) as Row[]).map(toFile);
  }

  put(f: LibraryFile): void {
    this.s.put.run({
      ...f, errorCode: f.errorCode ?? null, lastJobId: f.lastJobId ?? null,
      jobLanguages: JSON.stringify(f.jobLanguages), coveredLanguages: JSON.stringify(f.coveredLanguages),
    });
  }

  /** A queued or running job on this path, from any door. */
  pendingJobOn(path: string): JobOnFile | undefined { return jobOnFile(this.s.pendingJob.get(path)); }

  /** The newest succeeded job on this path (a library dubbed before this table existed, or by another door). */
  succeededJobOn(path: string): JobOnFile | undefined { return jobOnFile(this.s.succeededJob.get(path)); }

  job(id: string): JobOnFile | undefined { return jobOnFile(this.s.job.get(id)); }
}

function toFile(r: Row): LibraryFile {
  return {
    path: r.path, sizeBytes: r.size_bytes, mtimeMs: r.mtime_ms, content: r.content, outcome: r.outcome,
    errorCode: r.error_code ?? undefined, outcomeAt: r.outcome_at, lastJobId: r.last_job_id ?? undefined,
    jobLanguages: JSON.parse(r.job_languages) as string[], coveredLanguages: JSON.parse(r.covered_languages) as string[],
    attempts: r.attempts,
  };
}

function jobOnFile(r: unknown): JobOnFile | undefined {
  if (!r) return undefined;
  const j = r as { id: string; status: JobStatus; target_languages: string; updated_at: number };
  return { id: j.id, status: j.status, targetLanguages: JSON.parse(j.target_languages) as string[], updatedAt: j.updated_at };
}
