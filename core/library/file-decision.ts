import type { LibraryFile } from '../jobs/library-files.js';
import type { Config } from '../config/schema.js';
import { isPermanent, retryDelayMs } from './retry-policy.js';

/** Why a file gets no job now. */
export type SkipReason =
  /** A job on it is queued or running. */
  | 'pending'
  /** A job succeeded on this content, for every wanted language. */
  | 'done'
  /** It already has every wanted language (watch.folders[].skipIfPresent). */
  | 'present'
  /** dubarr wrote it: what an in-place job delivered. */
  | 'delivered'
  /** A permanent error on this content (errorCode); looked at again when it changes. */
  | 'failed'
  /** Its job failed; it is queued again at retryAt. */
  | 'retry-later'
  /** Its jobs failed watch.retry.maxAttempts times on this content. */
  | 'gave-up'
  /** You cancelled its job; looked at again when it changes. */
  | 'cancelled'
  /** An in-place job on a file beside it may be delivering it (waitingFor): looked at when that job ends. */
  | 'busy'
  /** Modified within its stability window or minAgeSeconds: still being written. */
  | 'changing'
  /** The jobs service refused the job (errorCode, e.g. an output folder not writable); retried like a failure. */
  | 'refused';

export interface FileDecision {
  path: string;
  action: 'queue' | 'skip';
  reason?: SkipReason;
  /** The languages the job is (or, in a dry run, would be) for; for a skip, those the file has or was done with. */
  languages: string[];
  /** The job queued (not in a dry run); for a skip, the file's last job (pending, done, failed). */
  jobId?: string;
  errorCode?: string;
  /** When a failed file is queued again (epoch ms). */
  retryAt?: number;
  /** The in-place job a 'busy' file waits for. */
  waitingFor?: string;
  /** Which job on this content this is (1 = the first). */
  attempt?: number;
}

/** Orders decisions by path (a scan decides several files at once, so they come in any order). */
export function byPath(a: FileDecision, b: FileDecision): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** The languages a file has or is done with, as its record says. */
export function coveredBy(f: LibraryFile): string[] {
  return f.outcome === 'succeeded' ? union(f.coveredLanguages, f.jobLanguages) : [...f.coveredLanguages];
}

export function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

/**
 * What the record of an unchanged file says to do, without touching the file: a skip, or
 * undefined when the file must be looked at afresh (a retry is due, more languages are wanted,
 * or the record is stale).
 */
export function decideKnown(f: LibraryFile, wanted: readonly string[], retry: Config['watch']['retry'], now = Date.now()): FileDecision | undefined {
  const skip = (reason: SkipReason, extra: Partial<FileDecision> = {}): FileDecision => ({
    path: f.path, action: 'skip', reason, languages: coveredBy(f), ...(f.lastJobId ? { jobId: f.lastJobId } : {}), ...extra,
  });
  switch (f.outcome) {
    case 'queued':
    case 'running':
      return f.lastJobId ? skip('pending', { languages: f.jobLanguages }) : undefined;
    case 'succeeded':
    case 'skipped': {
      const covered = coveredBy(f);
      return wanted.every((l) => covered.includes(l)) ? skip(f.outcome === 'succeeded' ? 'done' : 'present') : undefined;
    }
    case 'cancelled':
      return skip('cancelled');
    case 'failed': {
      if (isPermanent(f.errorCode)) return skip('failed', { errorCode: f.errorCode });
      if (f.attempts >= retry.maxAttempts) return skip('gave-up', { errorCode: f.errorCode });
      const retryAt = f.outcomeAt + retryDelayMs(f.attempts, retry);
      return retryAt > now ? skip('retry-later', { errorCode: f.errorCode, retryAt }) : undefined;
    }
  }
}
