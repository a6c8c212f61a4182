import { resolve } from 'node:path';
import type { Runtime } from '../app/runtime.js';
import { byPath, type FileDecision } from '../library/file-decision.js';
import type { ScanSummary } from '../library/library-service.js';

export interface ScanArgs {
  folder: string;
  /** Comma-separated language codes. */
  to?: string;
  dryRun?: boolean;
}

/** `dubarr scan`: a backfill of one folder (or file); every decision, in path order. */
export async function scan(rt: Runtime, a: ScanArgs): Promise<{ summary: ScanSummary; decisions: FileDecision[] }> {
  const decisions: FileDecision[] = [];
  const summary = await rt.library.scan(resolve(a.folder), {
    origin: 'backfill', door: 'local', dryRun: a.dryRun,
    targetLanguages: a.to ? a.to.split(',').map((l) => l.trim()).filter(Boolean) : undefined,
    onDecision: (d) => decisions.push(d),
  });
  decisions.sort(byPath);
  return { summary, decisions };
}

/** One line per file: what happens to it (and why, or its job), its languages, its path. */
export function formatDecision(d: FileDecision, dryRun: boolean): string {
  const verb = d.action === 'skip' ? 'skip' : dryRun ? 'would queue' : 'queued';
  const detail = d.action === 'queue' ? (d.jobId ? `job ${d.jobId}` : '')
    : [d.reason, d.errorCode, d.retryAt !== undefined ? `until ${new Date(d.retryAt).toISOString()}` : undefined, d.waitingFor && `job ${d.waitingFor}`]
      .filter(Boolean).join(' ');
  return `${verb.padEnd(11)} ${detail.padEnd(20)} ${(d.languages.join(',') || '-').padEnd(8)} ${d.path}`;
}

export function formatScanSummary(s: ScanSummary, dryRun: boolean): string {
  const skipped = Object.entries(s.skipped).map(([reason, n]) => `${reason} ${n}`).join(', ');
  const total = Object.values(s.skipped).reduce((a, n) => a + (n ?? 0), 0);
  const queued = dryRun ? `${s.queued} would be queued (dry run: nothing was)` : `${s.queued} queued at backfill priority`;
  const tail = !dryRun && s.queued > 0 ? '; a running `dubarr serve` runs them after interactive and watch-folder jobs' : '';
  return `${s.files} media file${s.files === 1 ? '' : 's'} in ${s.path}: ${queued}, ${total} skipped${skipped ? ` (${skipped})` : ''}${tail}`;
}
