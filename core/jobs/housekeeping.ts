import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CacheIndex } from './cache-index.js';
import { BackgroundPass } from './background-pass.js';
import { pruneCache, reconcileCache, type PruneResult } from './cache-prune.js';
import type { StageCache } from './stage-cache.js';
import type { JobStore } from './store.js';

export interface HousekeepingOptions {
  /** cache.maxSizeGb in bytes. */
  maxCacheBytes: number;
  /** Finished jobs older than this go, with their stage runs and events; 0 keeps them forever. */
  retentionMs: number;
  /** Parent of jobs' work dirs: a failed job's kept work dir goes with the job. */
  workRoot: string;
}

export interface RetentionResult { jobs: number }

/**
 * Keeps the data dir from growing without bound: after jobs (and at start, and now and then on
 * an idle server) it deletes finished jobs past jobs.retentionDays and prunes the stage cache
 * back to cache.maxSizeGb. Runs in the background, one pass at a time; the jobs that asked do
 * not wait for it.
 */
export class Housekeeping {
  private readonly passes: BackgroundPass;
  private reconcileFirst = false;

  constructor(
    private readonly store: JobStore, private readonly index: CacheIndex, private readonly cache: StageCache,
    private readonly log: Logger, private readonly opts: HousekeepingOptions,
  ) {
    this.passes = new BackgroundPass(async () => { await this.pass(); },
      (e) => this.log.warn({ err: (e as Error).message }, 'housekeeping failed; it is tried again after the next job'));
  }

  /**
   * Asks for a pass soon. Requests made while one runs give one more pass, not one each.
   * `reconcile`: first make the cache index match the cache folder (at start; see reconcile()).
   */
  request(o: { reconcile?: boolean } = {}): void {
    if (this.passes.stopping) return;
    if (o.reconcile) this.reconcileFirst = true;
    this.passes.request();
  }

  /** Resolves when no pass is running or asked for. */
  idle(): Promise<void> { return this.passes.idle(); }

  /** Takes no more requests and waits for the pass under way (each eviction is atomic, so it ends soon). */
  stop(): Promise<void> { return this.passes.stop(); }

  /** One pass: retention, then the cache. */
  async pass(): Promise<{ retention: RetentionResult; prune: PruneResult }> {
    if (this.reconcileFirst) {
      this.reconcileFirst = false;
      await this.reconcile();
    }
    const retention = await this.expireJobs();
    const prune = await pruneCache(this.index, this.cache, this.opts.maxCacheBytes, () => this.passes.stopping);
    if (retention.jobs > 0) this.log.info({ jobs: retention.jobs }, 'deleted finished jobs past jobs.retentionDays');
    if (prune.evicted > 0) this.log.info({ entries: prune.evicted, freedMb: Math.round(prune.freedBytes / 1e6) }, 'pruned the stage cache');
    if (prune.remainingBytes > this.opts.maxCacheBytes && prune.kept > 0) {
      this.log.warn({ remainingMb: Math.round(prune.remainingBytes / 1e6), neededEntries: prune.kept },
        'the stage cache is over cache.maxSizeGb because queued and running jobs need what is left; raise it or let them finish');
    }
    return { retention, prune };
  }

  private async expireJobs(): Promise<RetentionResult> {
    if (this.opts.retentionMs <= 0) return { jobs: 0 };
    const cutoff = Date.now() - this.opts.retentionMs;
    let jobs = 0;
    for (;;) {
      const ids = this.store.deleteFinishedBefore(cutoff);
      jobs += ids.length;
      // Work dirs are named by job id under the work root: ours, never a user's file.
      for (const id of ids) await rm(join(this.opts.workRoot, id), { recursive: true, force: true });
      if (ids.length === 0 || this.passes.stopping) return { jobs };
    }
  }

  /** See reconcileCache; at start. */
  async reconcile(): Promise<{ added: number; dropped: number }> {
    const r = await reconcileCache(this.index, this.cache);
    if (r.added || r.dropped) this.log.info(r, 'stage cache index reconciled with the cache folder');
    return r;
  }
}
