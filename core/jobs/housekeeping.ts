import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CacheIndex } from './cache-index.js';
import { BackgroundPass } from './background-pass.js';
import { pruneCache, reconcileCache } from './cache-prune.js';
import type { StageCache } from './stage-cache.js';
import type { JobStore } from './store.js';

export interface HousekeepingOptions {
  /** cache.maxSizeGb in bytes. */
  maxCacheBytes: number;
  /** Finished jobs older than this go, with their stage runs and events; 0 keeps them forever. */
  retentionMs: number;
  /** Parent of jobs' work dirs: a failed job's kept work dir goes with the job. */
  workRoot: string;
  /** Told each expired job's input, after its row is gone (an upload's folder goes with its last job). */
  onJobInputReleased?: (input: string) => Promise<void>;
}

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
   * `reconcile`: first make the cache index match the cache folder (at start; see reconcileCache).
   */
  request(o: { reconcile?: boolean } = {}): void {
    if (this.passes.stopping) return;
    if (o.reconcile) this.reconcileFirst = true;
    this.passes.request();
  }

  /** Resolves when no pass is running or asked for (the CLI waits for its pass before exiting). */
  idle(): Promise<void> { return this.passes.idle(); }

  /**
   * Takes no more requests; a pass under way ends at its next check, not waited for (a server's
   * shutdown must not wait for a whole pass). Such a pass never touches the database again, so
   * the caller may close it: every await in a pass is followed by a look at `stopping` before
   * the next query, and each step it has begun (an eviction, a batch of expired jobs and their
   * work folders) is whole by itself.
   */
  stop(): void { this.passes.stop(); }

  /** One pass: (at start) the cache index made to match the folder, retention, then the cache. */
  private async pass(): Promise<void> {
    const stopping = () => this.passes.stopping;
    if (this.reconcileFirst) {
      this.reconcileFirst = false;
      const r = await reconcileCache(this.index, this.cache, stopping);
      if (r && (r.added || r.dropped)) this.log.info(r, 'stage cache index reconciled with the cache folder');
    }
    const jobs = await this.expireJobs();
    if (jobs > 0) this.log.info({ jobs }, 'deleted finished jobs past jobs.retentionDays');
    if (stopping()) return;
    const prune = await pruneCache(this.index, this.cache, this.opts.maxCacheBytes, stopping);
    if (prune.evicted > 0) this.log.info({ entries: prune.evicted, freedMb: Math.round(prune.freedBytes / 1e6) }, 'pruned the stage cache');
    if (prune.remainingBytes > this.opts.maxCacheBytes && prune.kept > 0) {
      this.log.warn({ remainingMb: Math.round(prune.remainingBytes / 1e6), neededEntries: prune.kept },
        'the stage cache is over cache.maxSizeGb because queued and running jobs need what is left; raise it or let them finish');
    }
  }

  /** Deletes expired jobs in batches; returns how many. */
  private async expireJobs(): Promise<number> {
    if (this.opts.retentionMs <= 0) return 0;
    const cutoff = Date.now() - this.opts.retentionMs;
    let jobs = 0;
    while (!this.passes.stopping) {
      const expired = this.store.expireFinishedBefore(cutoff);
      jobs += expired.length;
      // Work dirs are named by job id under the work root: ours, never a user's file. The batch's
      // rows are gone, so its folders go too, stopping or not (most do not exist: a few ms).
      for (const { id, input } of expired) {
        await rm(join(this.opts.workRoot, id), { recursive: true, force: true });
        // This asks the database whether another job uses the input's folder: not once stopping
        // (the database may be closed), so a shutdown in the middle of a batch may leave a folder.
        if (!this.passes.stopping) await this.opts.onJobInputReleased?.(input);
      }
      if (expired.length === 0) break;
    }
    return jobs;
  }
}
