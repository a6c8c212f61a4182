import type { CacheIndex, IndexedEntry } from './cache-index.js';
import type { StageCache } from './stage-cache.js';

export interface PruneResult {
  evicted: number;
  freedBytes: number;
  /** Entries skipped because a queued or running job needs them. */
  kept: number;
  remainingBytes: number;
}

const PAGE = 200;

/**
 * Evicts least recently used entries until the cache is at most `maxBytes`, never one a queued
 * or running job needs (CacheIndex.evict decides). Reads the index a page at a time in LRU order,
 * so a prune costs the rows it looks at, not a walk of the cache folder. The cache may stay
 * above the limit when what jobs need is larger than it.
 *
 * `shouldStop` is read after every await, before the next query: once it is true the prune ends
 * without touching the index again (a server shutting down may close the database meanwhile;
 * `remainingBytes` is then the last total read). Each eviction is atomic, and entries already in
 * the trash are deleted by a later pass or at the next start.
 */
export async function pruneCache(index: CacheIndex, cache: StageCache, maxBytes: number, shouldStop: () => boolean = () => false): Promise<PruneResult> {
  const r = { evicted: 0, freedBytes: 0, kept: 0 };
  let after: IndexedEntry | undefined;
  let total = index.totalBytes();
  while (total > maxBytes && !shouldStop()) {
    const page = index.oldest(PAGE, after);
    if (page.length === 0) break;
    for (const e of page) {
      if (total <= maxBytes) break;
      after = e;
      const outcome = index.evict(e.key);
      if (outcome === 'evicted') {
        r.evicted++;
        r.freedBytes += e.sizeBytes;
      } else if (outcome === 'needed') {
        r.kept++;
      }
      // From the database, not by subtraction: another process may be pruning (or adding) too.
      total = index.totalBytes();
    }
    // Let jobs run between pages; their new entries count against the limit too.
    await new Promise((resolve) => setImmediate(resolve));
    if (shouldStop()) break;
    total = index.totalBytes();
  }
  const remainingBytes = shouldStop() ? total : index.totalBytes();
  if (r.evicted > 0) await cache.emptyTrash(shouldStop);
  return { ...r, remainingBytes };
}

/**
 * Makes the index match the cache folder (entries written before the index existed, or by a
 * process that died before indexing them) and deletes what dead processes left half done. A walk
 * of the whole cache: at start and before a manual prune, not after every job. Undefined when
 * `shouldStop` ended it first: the index is then untouched (a walk cut short is not the folder).
 */
export async function reconcileCache(
  index: CacheIndex, cache: StageCache, shouldStop: () => boolean = () => false,
): Promise<{ added: number; dropped: number } | undefined> {
  await cache.removeStaleTemp(shouldStop);
  if (!shouldStop()) await cache.emptyTrash(shouldStop);
  const onDisk = shouldStop() ? [] : await cache.entries(shouldStop);
  return shouldStop() ? undefined : index.reconcile(onDisk);
}
