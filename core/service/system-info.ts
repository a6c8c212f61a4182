import { statfs } from 'node:fs/promises';
import { packageVersion } from '../app/paths.js';
import type { Config } from '../config/schema.js';
import type { CacheIndex } from '../jobs/cache-index.js';
import type { JobsService } from './jobs-service.js';

export interface SystemInfo {
  version: string;
  queueDepth: number;
  running: number;
  jobConcurrency: number;
  workers: number;
  /** Free bytes on the data folder's disk; undefined when it cannot be read. */
  diskFreeBytes?: number;
  cacheSizeBytes: number;
  cacheMaxBytes: number;
}

export interface SystemInfoDeps {
  config: Config;
  jobs: JobsService;
  cacheIndex: CacheIndex;
  /** The worker pool's thread count ('auto' resolved). */
  workerThreads: number;
}

/** Where this server stands, for the API's `system`: counts across every process on the database. */
export async function systemInfo(d: SystemInfoDeps): Promise<SystemInfo> {
  const { jobs } = d.jobs.counts();
  const fs = await statfs(d.config.dataDir).catch(() => undefined);
  return {
    version: packageVersion,
    queueDepth: jobs.queued,
    running: jobs.running,
    jobConcurrency: d.config.jobs.concurrency,
    workers: d.workerThreads,
    diskFreeBytes: fs && fs.bavail * fs.bsize,
    cacheSizeBytes: d.cacheIndex.totalBytes(),
    cacheMaxBytes: d.config.cache.maxSizeGb * 1e9,
  };
}
