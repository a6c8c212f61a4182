import { statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';
import type { JobOptions } from './store.js';

/** A file a job wrote into the user's library, as it was when the job finished. */
export interface DeliveredFile { path: string; sizeBytes: number; mtimeMs: number }

/** The succeeded job that delivered this very file (path, size, mtime), if one did: a lookup by path. */
export const DELIVERED_SQL = `SELECT job_id FROM job_outputs INDEXED BY job_outputs_path
  WHERE path = ? AND size_bytes = ? AND mtime_ms = ? LIMIT 1`;

/** Queued or running jobs on inputs that start with a prefix: a range of the jobs_input index. */
export const PENDING_WITH_PREFIX_SQL = `SELECT id, input, options FROM jobs INDEXED BY jobs_input
  WHERE input >= ? AND input < ? AND status IN ('queued', 'running')`;

/**
 * What succeeded jobs delivered (table job_outputs, schemas/sql/004), so a watched folder can
 * tell dubarr's own output from a new video: an in-place job on `Movie.ts` delivers `Movie.mkv`
 * when the container has to change.
 */
export class DeliveredFiles {
  private readonly s: Record<'insert' | 'delivered' | 'pendingWithPrefix' | 'ofJob', Statement>;

  constructor(db: Db) {
    this.s = {
      insert: db.prepare('INSERT OR REPLACE INTO job_outputs (job_id, path, size_bytes, mtime_ms) VALUES (?, ?, ?, ?)'),
      delivered: db.prepare(DELIVERED_SQL),
      pendingWithPrefix: db.prepare(PENDING_WITH_PREFIX_SQL),
      ofJob: db.prepare('SELECT path, size_bytes AS sizeBytes, mtime_ms AS mtimeMs FROM job_outputs WHERE job_id = ?'),
    };
  }

  /** Call inside the transaction that marks the job succeeded: only succeeded jobs have rows. */
  record(jobId: string, files: readonly DeliveredFile[]): void {
    for (const f of files) this.s.insert.run(jobId, f.path, f.sizeBytes, f.mtimeMs);
  }

  /** What one succeeded job delivered, as it was when the job finished. */
  filesOf(jobId: string): DeliveredFile[] { return this.s.ofJob.all(jobId) as DeliveredFile[]; }

  /**
   * Whether a succeeded job delivered this file as it is now. A different file at the same path
   * since (another size or mtime: a new release put there) is not that job's output.
   */
  isDelivered(path: string, now: { size: number; mtimeMs: number }): boolean {
    return this.deliveredBy(path, now) !== undefined;
  }

  /** The succeeded job that delivered this file as it is now, if one did. */
  deliveredBy(path: string, now: { size: number; mtimeMs: number }): string | undefined {
    return (this.s.delivered.get(path, now.size, now.mtimeMs) as { job_id: string } | undefined)?.job_id;
  }

  /**
   * A queued or running in-place job on a file beside `path` with the same name and another
   * extension, which may be about to deliver `path` itself (Movie.ts -> Movie.mkv): the file
   * appears when the job swaps it into place, before the job has succeeded and recorded it.
   */
  inPlaceJobBeside(path: string): string | undefined {
    const dir = dirname(path);
    const stem = stemOf(path);
    // Every input that starts with '<dir>/<stem>.': '/' is the character after '.'.
    const prefix = join(dir, stem);
    const rows = this.s.pendingWithPrefix.all(`${prefix}.`, `${prefix}/`) as Array<{ id: string; input: string; options: string }>;
    return rows.find((r) => r.input !== path && dirname(r.input) === dir && stemOf(r.input) === stem
      && (JSON.parse(r.options) as JobOptions).mode === 'inplace')?.id;
  }
}

function stemOf(path: string): string {
  return basename(path, extname(path));
}

/** The files as they are now; one already gone (moved by the user) is left out. */
export function identifyFiles(paths: readonly string[]): DeliveredFile[] {
  return paths.flatMap((path) => {
    const st = statSync(path, { throwIfNoEntry: false });
    return st?.isFile() ? [{ path, sizeBytes: st.size, mtimeMs: st.mtimeMs }] : [];
  });
}
