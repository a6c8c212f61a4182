import { mkdirSync } from 'node:fs';
import { ERRORS, EVENTS, Server } from '@tus/server';
import type { Logger } from '../app/logger.js';
import type { Config } from '../config/schema.js';
import type { FileStore } from '@tus/file-store';
import { CountingFileStore } from './counting-file-store.js';
import { removeExpiredUploads } from './expired-uploads.js';
import { removeUnusedJobInput, uploadOfJobInput, type UploadInUse } from './upload-job-input.js';
import { uploadsDir } from './uploads-dir.js';
import { storeWholeUpload, type WrittenUpload } from './whole-upload.js';

/** The path the tus endpoint answers at; upload URLs are `/uploads/<id>`. */
export const UPLOADS_PATH = '/uploads';

const HOUR_MS = 3_600_000;

export interface UploadServerOptions {
  /** Folder of the uploads (uploadsDir(config)). */
  dir: string;
  /** server.maxUploadBytes; 0 = no limit. */
  maxBytes: number;
  /** server.uploadExpiryHours in ms: unfinished uploads older than this are removed. */
  expiryMs: number;
  /** Called with each chunk's size as upload bytes are written (the metrics' upload-bytes counter). */
  onBytes?: (n: number) => void;
  /** Run the expiry cleanup now and then (a server), logging what it removes or why it failed; tests drive removeExpired() themselves. */
  periodicCleanup?: { log: Logger };
  /**
   * Whether a job uses an upload's job-input folder (the jobs service knows); asked when the
   * upload is removed, so the folder goes with it when no job does. Without it the folders stay.
   */
  uploadInUse?: UploadInUse;
  /** Where a failed folder removal is reported. */
  log?: Logger;
}

/** The options the configuration sets (server.maxUploadBytes, server.uploadExpiryHours, the data dir). */
export function configuredUploads(config: Pick<Config, 'dataDir' | 'server'>): Pick<UploadServerOptions, 'dir' | 'maxBytes' | 'expiryMs'> {
  return { dir: uploadsDir(config), maxBytes: config.server.maxUploadBytes, expiryMs: config.server.uploadExpiryHours * HOUR_MS };
}

export interface UploadServer {
  readonly dir: string;
  /** Answers one tus request (POST, HEAD, PATCH, DELETE, OPTIONS under UPLOADS_PATH). */
  handle(req: Request): Promise<Response>;
  /** Removes unfinished uploads older than the expiry as of `now`; returns their ids. */
  removeExpired(now?: number): Promise<string[]>;
  /**
   * Stores a file that arrives whole (a multipart post) as a finished upload, `write` streaming
   * it to `<dir>/<name>`; returns its id. Nothing is left if `write` throws (see whole-upload.ts).
   */
  storeWhole(write: (dir: string, name: string) => Promise<WrittenUpload>): Promise<string>;
  /** Removes an upload, as a termination does (its job-input folder too, unless a job uses it). */
  remove(id: string): Promise<void>;
  /** After a job is deleted: its input's folder goes if it was made from an upload that is gone and no other job uses it. */
  releaseJobInput(input: string): Promise<void>;
  /** Stops the periodic cleanup. Uploads in flight are the HTTP server's to end. */
  close(): void;
}

/**
 * The tus 1.0 server (creation, creation-with-upload, creation-defer-length, termination,
 * expiration) over files in `dir`. Bodies stream from the request to the file; each upload's
 * metadata sits beside it as `<id>.json`, so a restarted server resumes where the file ends.
 */
export function openUploadServer(o: UploadServerOptions): UploadServer {
  // The store's constructor makes the folder asynchronously and throws where nobody can catch it.
  mkdirSync(o.dir, { recursive: true });
  const store: FileStore = new CountingFileStore({ directory: o.dir, expirationPeriodInMilliseconds: o.expiryMs, onBytes: o.onBytes });
  const tus = new Server({
    path: UPLOADS_PATH,
    datastore: store,
    maxSize: o.maxBytes,
    // '/uploads/<id>', not built from the Host header: right behind any proxy, and the Host
    // header is the app's to check, not ours to echo.
    relativeLocation: true,
    // CORS belongs to the app's middleware (one policy for every route): the library would
    // otherwise answer 'Access-Control-Allow-Origin: *'.
    allowedOrigins: () => false,
  });
  // After an upload goes, its job-input folder, unless a job uses it. A failure here does not
  // undo the removal the client asked for: it is logged, and the folder goes with its last job.
  const afterRemoved = async (ids: readonly string[]) => {
    if (!o.uploadInUse) return;
    for (const id of ids) {
      await removeUnusedJobInput(o.dir, id, o.uploadInUse).catch((e: unknown) =>
        o.log?.warn({ upload: id, err: e instanceof Error ? e.message : String(e) }, 'could not remove the job-input folder of a removed upload'));
    }
  };
  // The library tells of a termination only by this event; handle() waits for the cleanup, so a
  // client's 204 means the folder is gone too.
  const terminated = new WeakMap<Request, string>();
  tus.on(EVENTS.POST_TERMINATE, (req: Request, _res: Response, id: string) => { terminated.set(req, id); });
  const removeExpired = async (now = Date.now()) => {
    const ids = await removeExpiredUploads(store, { now, maxAgeMs: o.expiryMs });
    await afterRemoved(ids);
    return ids;
  };
  let timer: NodeJS.Timeout | undefined;
  const cleanup = o.periodicCleanup;
  if (cleanup) {
    const pass = () => removeExpired().then(
      (ids) => { if (ids.length > 0) cleanup.log.info({ uploads: ids }, 'removed unfinished uploads past server.uploadExpiryHours'); },
      (e: unknown) => cleanup.log.warn({ err: e instanceof Error ? e.message : String(e), dir: o.dir }, 'upload expiry cleanup failed; it runs again later'),
    );
    void pass();
    timer = setInterval(() => void pass(), Math.min(HOUR_MS, o.expiryMs)).unref();
  }
  return {
    dir: o.dir,
    async handle(req) {
      const res = await tus.handleWeb(req);
      const id = terminated.get(req);
      if (id !== undefined) await afterRemoved([id]);
      return res;
    },
    removeExpired,
    storeWhole: (write) => storeWholeUpload(store, write),
    async remove(id) {
      await store.remove(id).catch((e: unknown) => { if (e !== ERRORS.FILE_NOT_FOUND) throw e; });
      await afterRemoved([id]);
    },
    async releaseJobInput(input) {
      const id = uploadOfJobInput(o.dir, input);
      if (id !== undefined) await afterRemoved([id]);
    },
    close() { clearInterval(timer); },
  };
}
