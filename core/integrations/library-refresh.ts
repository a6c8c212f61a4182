import { extname } from 'node:path';
import type { Logger } from 'pino';
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { Job } from '../jobs/store.js';
import type { JobEndListener } from '../service/job-completions.js';
import type { JobsService } from '../service/jobs-service.js';
import type { LibraryChange, MediaServer } from './media-server.js';
import type { MediaServers } from './media-servers.js';
import { isInside, toTheirs } from './path-map.js';
import { MEDIA_SERVER_RETRY, withRetries, type RetryPolicy } from './retry.js';
import { serverStatus } from './server-http.js';

/** Containers a dubbed version is written in: a new one of these needs a library scan, not an item refresh. */
const VIDEO_CONTAINERS = new Set(['.mkv', '.mp4', '.m4v', '.mov', '.webm', '.avi', '.ts', '.m2ts']);

export interface LibraryRefreshDeps {
  servers: MediaServers;
  jobs: Pick<JobsService, 'warn'>;
  log: Logger;
  retry?: RetryPolicy;
}

/**
 * After a job has written its files into a library, tells each media server whose library
 * holds them: the server a webhook came from refreshes that item (or scans for a new dubbed
 * version); any other is asked for its library folders first and told only when one holds the
 * files. Failures are retried with backoff (unreachable, 5xx, 429), then become a warning on
 * the job: the dub is there either way, and the server's own scan finds it later.
 */
export function libraryRefresh(d: LibraryRefreshDeps): JobEndListener {
  const retry = d.retry ?? MEDIA_SERVER_RETRY;
  return async ({ job, delivered }, signal) => {
    if (job.status !== 'succeeded' || delivered.length === 0 || d.servers.all.length === 0) return;
    const created = delivered.filter((p) => p !== job.input);
    const change: LibraryChange = {
      modified: delivered.includes(job.input) ? [job.input] : [],
      created,
      newVideo: created.some((p) => VIDEO_CONTAINERS.has(extname(p).toLowerCase())),
    };
    await Promise.all(d.servers.all.map((server) => tell(server, job, change, delivered[0]!, signal)));
  };

  async function tell(server: MediaServer, job: Job, ours: LibraryChange, anyFile: string, signal: AbortSignal): Promise<void> {
    const item = job.options.mediaItem?.server === server.key ? job.options.mediaItem.id : undefined;
    const theirs = (p: string) => toTheirs(p, server.config.pathMap).path;
    const change: LibraryChange = { ...ours, itemId: item, modified: ours.modified.map(theirs), created: ours.created.map(theirs) };
    let attempts = 0;
    try {
      const calls = await withRetries(async () => {
        attempts++;
        // The server a webhook came from holds the file; another one is asked.
        if (item === undefined && !(await server.libraryFolders(signal)).some((f) => isInside(theirs(anyFile), f))) return undefined;
        return server.refresh(change, signal);
      }, retry, signal, isRetryable);
      if (calls) d.log.info({ job: job.id, server: server.label, calls }, 'media server told of the new files');
    } catch (e) {
      if (signal.aborted) return; // shutting down: the server's own scan finds the files
      const err = DubarrError.from(e);
      const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
      d.jobs.warn(job.id, {
        code: err.code,
        message: `${server.label} was not told of the new files (${tries}): ${err.message}. The dub is in place; the server's next library scan finds it, or refresh the item there.`,
      });
    }
  }
}

/** Worth trying again: the server was unreachable, busy or failing (not a refused token or a missing item). */
function isRetryable(e: unknown): boolean {
  const status = serverStatus(e);
  return status !== undefined && (status === 0 || status === 408 || status === 429 || status >= 500);
}
