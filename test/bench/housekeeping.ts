/**
 * The queries housekeeping runs, on a database with a long queue (20,000 queued jobs, as a
 * backfill of a large library leaves it) and 20,000 files dubbed long ago:
 * - the "does a queued or running job need this cache entry" check that a prune runs per entry,
 *   inside its write transaction, against the IN-list form it replaced;
 * - a retention pass with nothing to delete (every old job is its file's record, which retention
 *   keeps), against finding those records with a NOT EXISTS per old job instead of the
 *   jobs_expirable index;
 * each measured in the same run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENTRY_NEEDED_SQL } from '../../core/jobs/cache-index.js';
import { openDatabase, type Db } from '../../core/jobs/database.js';
import { JobStore, PRIORITY } from '../../core/jobs/store.js';

const QUEUED = 20_000;
const DONE = 20_000;
/** Files whose jobs recorded cache keys (the entries looked up). */
const WITH_RUNS = 2_000;
const STEPS = 4;
const DAY = 86_400_000;

/** The check as it was: a list of every queued or running job's input, built at every call. */
const LIST_SUBQUERY_SQL = `SELECT 1 FROM stage_runs r JOIN jobs j ON j.id = r.job_id
  WHERE r.cache_key = ? AND j.input IN (SELECT input FROM jobs WHERE status IN ('queued', 'running')) LIMIT 1`;

function fill(db: Db): string[] {
  const store = new JobStore(db);
  const keys: string[] = [];
  store.transaction(() => {
    for (let i = 0; i < DONE; i++) {
      const job = store.createJob({ input: `/media/done/${i}.mkv`, preset: 'p', targetLanguages: ['es'], origin: 'watch', priority: PRIORITY.watch });
      for (let s = 0; s < (i < WITH_RUNS ? STEPS : 0); s++) {
        const key = `${i}-${s}`.padEnd(64, 'k');
        store.finishStageRun(store.startStageRun({ jobId: job.id, step: `s${s}`, cacheKey: key }), 'succeeded');
        keys.push(key);
      }
      store.finishJob(job.id, 'succeeded');
    }
    db.prepare('UPDATE jobs SET finished_at = ? WHERE finished_at IS NOT NULL').run(Date.now() - 100 * DAY);
    for (let i = 0; i < QUEUED; i++) store.createJob({ input: `/media/queued/${i}.mkv`, preset: 'p', targetLanguages: ['es'], origin: 'backfill', priority: PRIORITY.backfill });
  });
  return keys;
}

/**
 * Retention's candidates found without the jobs_expirable index: every old job by end time (the
 * index 002 had, created for this), each one's file looked up for a later success.
 */
const FINISHED_INDEX_SQL = 'CREATE INDEX bench_jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL';
const RETENTION_BY_LOOKUP_SQL = `SELECT id FROM jobs AS old INDEXED BY bench_jobs_finished WHERE finished_at < ?
  AND (status IN ('failed', 'cancelled') OR (status = 'succeeded' AND EXISTS (SELECT 1 FROM jobs AS later
    WHERE later.input = old.input AND later.status = 'succeeded' AND (later.finished_at, later.rowid) > (old.finished_at, old.rowid)))) LIMIT 500`;

/** Milliseconds per call of fn, after one warm-up call. */
function timed(n: number, fn: () => unknown): number {
  fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  return (performance.now() - t0) / n;
}

/** Milliseconds per call of `sql` over `keys` (after a warm-up pass), and how many were needed. */
function perCall(db: Db, sql: string, keys: readonly string[]): { ms: number; needed: number } {
  const st = db.prepare(sql);
  for (const k of keys.slice(0, 50)) st.get(k);
  let needed = 0;
  const t0 = performance.now();
  for (const k of keys) if (st.get(k) !== undefined) needed++;
  return { ms: (performance.now() - t0) / keys.length, needed };
}

export default async function bench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-bench-housekeeping-'));
  try {
    const db = openDatabase(join(dir, 'dubarr.db'));
    const keys = fill(db);
    const sample = keys.filter((_, i) => i % 4 === 0).slice(0, 400);
    const before = perCall(db, LIST_SUBQUERY_SQL, sample.slice(0, 100));
    const after = perCall(db, ENTRY_NEEDED_SQL, sample);
    if (before.needed !== 0 || after.needed !== 0) throw new Error('no entry of a finished file is needed; the queries disagree with the data');
    console.log(`"entry needed" check with ${QUEUED} queued jobs: ${after.ms.toFixed(4)} ms per entry (EXISTS by jobs_input), `
      + `${before.ms.toFixed(3)} ms with the list subquery it replaced (${(before.ms / after.ms).toFixed(0)}x)`);

    const store = new JobStore(db);
    const cutoff = Date.now() - 90 * DAY;
    const retentionMs = timed(20, () => { if (store.deleteFinishedBefore(cutoff).length) throw new Error('retention deleted a file\'s record'); });
    db.exec(FINISHED_INDEX_SQL);
    const byLookup = db.prepare(RETENTION_BY_LOOKUP_SQL);
    const byLookupMs = timed(3, () => { if (byLookup.all(cutoff).length) throw new Error('the lookup form found a record to delete'); });
    console.log(`retention pass with ${DONE} old files' records to keep: ${retentionMs.toFixed(3)} ms (jobs_expirable), `
      + `${byLookupMs.toFixed(1)} ms looking up each old job's file instead`);
    db.close();
    console.log(`RESULT housekeeping queued_jobs=${QUEUED} done_files=${DONE} entry_needed_ms=${after.ms.toFixed(4)} entry_needed_list_subquery_ms=${before.ms.toFixed(3)} `
      + `entry_needed_speedup=${(before.ms / after.ms).toFixed(0)} retention_pass_ms=${retentionMs.toFixed(3)} retention_by_lookup_ms=${byLookupMs.toFixed(1)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
