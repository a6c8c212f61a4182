import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';
import { StageCache, type CacheEntryInfo } from './stage-cache.js';

export interface IndexedEntry { key: string; sizeBytes: number; lastUsedAt: number }

/** What CacheIndex.evict did: removed the entry, kept it for a job, or found it already gone. */
export type Eviction = 'evicted' | 'needed' | 'gone';

/**
 * Whether a queued or running job needs an entry (see CacheIndex): the stage runs that recorded
 * the key, their jobs, and those jobs' files' other jobs, each by index. EXISTS, correlated on the
 * input, looks up one file's jobs (jobs_input); `input IN (SELECT ... WHERE status ...)` built a
 * list of every queued or running job per call, as long as the queue (see test/bench/housekeeping).
 */
export const ENTRY_NEEDED_SQL = `SELECT 1 FROM stage_runs r JOIN jobs j ON j.id = r.job_id
  WHERE r.cache_key = ?
    AND EXISTS (SELECT 1 FROM jobs q WHERE q.input = j.input AND q.status IN ('queued', 'running')) LIMIT 1`;

/**
 * The stage cache's size and LRU clock in SQLite (table cache_entries, total kept by triggers),
 * and the one place that decides whether an entry may go.
 *
 * An entry is needed while a queued or running job may read it: the stage runs of any job on the
 * same input file as a queued or running job recorded its key (a job records a key before it
 * runs the stage, and a resumed or re-run job finds its finished stages that way). The decision
 * and the removal happen in one write transaction, and so do "is it still there" and the stage
 * run that records a cache hit: SQLite's write lock orders the two across processes, so a job
 * never holds the paths of an entry that a prune is taking away.
 */
export class CacheIndex {
  private readonly s: Record<'stored' | 'touch' | 'total' | 'oldest' | 'oldestAfter' | 'needed' | 'drop' | 'keys', Statement>;

  constructor(private readonly db: Db, private readonly cache: StageCache) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      stored: p(`INSERT INTO cache_entries (key, size_bytes, last_used_at) VALUES (?, ?, ?)
                 ON CONFLICT (key) DO UPDATE SET last_used_at = excluded.last_used_at`),
      touch: p('UPDATE cache_entries SET last_used_at = ? WHERE key = ?'),
      total: p('SELECT bytes FROM cache_totals WHERE id = 1'),
      oldest: p('SELECT key, size_bytes, last_used_at FROM cache_entries ORDER BY last_used_at, key LIMIT ?'),
      oldestAfter: p(`SELECT key, size_bytes, last_used_at FROM cache_entries
                      WHERE (last_used_at, key) > (?, ?) ORDER BY last_used_at, key LIMIT ?`),
      needed: p(ENTRY_NEEDED_SQL),
      drop: p('DELETE FROM cache_entries WHERE key = ?'),
      keys: p('SELECT key FROM cache_entries'),
    };
  }

  /** A new entry (StageCache's onStored); storing an existing key again counts as a use. */
  stored(key: string, sizeBytes: number, now = Date.now()): void { this.s.stored.run(key, sizeBytes, now); }

  /**
   * Records a cache hit: runs `record` (the job's stage run) and moves the entry's LRU clock,
   * if the entry is still there. False, with nothing recorded, when a prune took it between the
   * caller's read and now: the caller runs the stage instead.
   */
  claimHit(key: string, record: () => void, now = Date.now()): boolean {
    return this.db.transaction(() => {
      if (!this.cache.hasEntrySync(key)) return false;
      record();
      this.s.touch.run(now, key);
      return true;
    }).immediate();
  }

  totalBytes(): number { return (this.s.total.get() as { bytes: number }).bytes; }

  /** Entries by last use, oldest first, after `after` (for paging through them). */
  oldest(limit: number, after?: IndexedEntry): IndexedEntry[] {
    type Row = { key: string; size_bytes: number; last_used_at: number };
    const rows = (after ? this.s.oldestAfter.all(after.lastUsedAt, after.key, limit) : this.s.oldest.all(limit)) as Row[];
    return rows.map((r) => ({ key: r.key, sizeBytes: r.size_bytes, lastUsedAt: r.last_used_at }));
  }

  isNeeded(key: string): boolean { return this.s.needed.get(key) !== undefined; }

  /**
   * Takes the entry out of the cache unless a queued or running job needs it. 'gone': there was
   * nothing to take (another process's prune got there first, or someone deleted the folder);
   * its row, if any, is dropped, and nothing was freed by this call.
   */
  evict(key: string): Eviction {
    return this.db.transaction((): Eviction => {
      if (this.isNeeded(key)) return 'needed';
      this.s.drop.run(key);
      return this.cache.discardSync(key) ? 'evicted' : 'gone';
    }).immediate();
  }

  /**
   * Makes the index match the cache folder: entries it does not list are added (with their write
   * time as last use, so old unindexed entries go first), rows without an entry are dropped.
   */
  reconcile(onDisk: readonly CacheEntryInfo[]): { added: number; dropped: number } {
    return this.db.transaction(() => {
      const indexed = new Set((this.s.keys.all() as { key: string }[]).map((r) => r.key));
      let added = 0;
      for (const e of onDisk) {
        if (indexed.delete(e.key)) continue;
        this.s.stored.run(e.key, e.sizeBytes, Math.round(e.lastUsed));
        added++;
      }
      let dropped = 0;
      for (const key of indexed) {
        // Written after the walk read its folder: still there, still indexed.
        if (this.cache.hasEntrySync(key)) continue;
        this.s.drop.run(key);
        dropped++;
      }
      return { added, dropped };
    }).immediate();
  }
}

/** The stage cache in `dir` and its index in `db`, wired so every new entry is indexed as it is stored. */
export function openStageCache(db: Db, dir: string): { cache: StageCache; index: CacheIndex } {
  let index: CacheIndex | undefined;
  const cache = new StageCache(dir, { onStored: (key, size) => index!.stored(key, size) });
  index = new CacheIndex(db, cache);
  return { cache, index };
}
