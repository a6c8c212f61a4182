/**
 * Uploads with tus-js-client (its prebuilt browser file, served locally as window.tus): it
 * sends the file in chunks, retries, and keeps each unfinished upload's URL in localStorage
 * under a fingerprint of the file (name, type, size, modification time), so choosing the same
 * file after a reload continues from the offset the server reports instead of starting over.
 */
import type * as Tus from 'tus-js-client';
import { askForKey, storedKey } from './api-key.js';

declare global {
  interface Window { tus: typeof Tus }
}

/**
 * Bytes per PATCH. A reverse proxy with a body limit (nginx's client_max_body_size is 1 MiB by
 * default) needs chunks under it: set localStorage['dubarr.upload.chunkBytes'].
 */
const DEFAULT_CHUNK_BYTES = 16 * 1024 * 1024;

function chunkBytes(): number {
  const n = Number(localStorage.getItem('dubarr.upload.chunkBytes'));
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_CHUNK_BYTES;
}

export interface UploadEvents {
  progress(sent: number, total: number): void;
  /** The upload is complete; `uploadId` is what POST /api/jobs takes. */
  done(uploadId: string): void;
  failed(message: string): void;
}

export interface RunningUpload {
  /** Where it started: 0 for a new upload, the server's offset for a resumed one. */
  resumedFrom: Promise<number>;
  abort(): void;
}

const statusOf = (e: unknown) => (e as Tus.DetailedError).originalResponse?.getStatus?.();

export function upload(file: File, on: UploadEvents): RunningUpload {
  const tus = window.tus;
  let first = true;
  let resolveResumed!: (offset: number) => void;
  const resumedFrom = new Promise<number>((r) => { resolveResumed = r; });
  const u: Tus.Upload = new tus.Upload(file, {
    endpoint: '/uploads',
    chunkSize: chunkBytes(),
    retryDelays: [0, 1000, 3000, 10_000],
    metadata: { filename: file.name, filetype: file.type },
    removeFingerprintOnSuccess: true,
    onBeforeRequest(req) {
      const key = storedKey();
      if (key) req.setHeader('X-Api-Key', key);
    },
    onAfterResponse(req, res) {
      // The first PATCH of a resumed upload starts at the offset HEAD gave.
      if (first && req.getMethod() === 'PATCH') { first = false; resolveResumed(Number(req.getHeader('Upload-Offset') ?? 0)); }
      void res;
    },
    onShouldRetry(err, attempt, options) {
      const status = statusOf(err);
      if (status === 401 || status === 403 || status === 413) return false;
      return (status === undefined || status >= 500 || status === 409 || status === 423) && attempt < (options.retryDelays?.length ?? 0);
    },
    onProgress: (sent, total) => on.progress(sent, total),
    onSuccess: () => on.done(u.url!.slice(u.url!.lastIndexOf('/') + 1)),
    onError(err) {
      if (statusOf(err) === 401) {
        void askForKey(storedKey() !== undefined).then(() => u.start());
        return;
      }
      const body = (err as Tus.DetailedError).originalResponse?.getBody?.();
      let message = err.message;
      try { message = (JSON.parse(body ?? '') as { error?: { message?: string } }).error?.message ?? message; } catch { /* not JSON */ }
      on.failed(message);
    },
  });
  void u.findPreviousUploads().then((previous) => {
    const newest = previous.sort((a, b) => b.creationTime.localeCompare(a.creationTime))[0];
    if (newest) u.resumeFromPreviousUpload(newest);
    u.start();
  });
  return { resumedFrom, abort: () => void u.abort() };
}

export interface UnfinishedUpload { key: string; url: string | null; filename: string; size: number | null; created: string }

/** Uploads this browser started and did not finish (before a reload, a crash, a lost connection). */
export async function unfinishedUploads(): Promise<UnfinishedUpload[]> {
  const all = await window.tus.defaultOptions.urlStorage.findAllUploads();
  return all.map((p) => ({ key: p.urlStorageKey, url: p.uploadUrl, filename: p.metadata.filename ?? '(unnamed)', size: p.size, created: p.creationTime }));
}

/** Forgets an unfinished upload here and removes its part on the server. */
export async function discardUpload(u: UnfinishedUpload): Promise<void> {
  const key = storedKey();
  if (u.url) await window.tus.Upload.terminate(u.url, { headers: key ? { 'X-Api-Key': key } : {} }).catch(() => undefined);
  await window.tus.defaultOptions.urlStorage.removeUpload(u.key);
}
