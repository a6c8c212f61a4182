/**
 * Raw tus 1.0 requests over fetch, written from the protocol text, so the tests and the upload
 * bench speak to /uploads exactly as a client would (no client library hiding a status).
 */
import type { Server as HttpServer } from 'node:http';
import { bindHttp, type BoundHttp } from '../../../core/cli/serve.js';
import type { Config } from '../../../core/config/schema.js';
import { createHttpApp } from '../../../core/http/app.js';
import type { Runtime } from '../../../core/app/runtime.js';
import { configuredUploads, openUploadServer, type UploadServer } from '../../../core/uploads/upload-server.js';

export const TUS = { 'Tus-Resumable': '1.0.0' } as const;
export const OCTETS = { 'Content-Type': 'application/offset+octet-stream' } as const;

/** tus metadata: comma-separated `key base64(value)` pairs. */
export function metadataHeader(meta: Record<string, string>): string {
  return Object.entries(meta).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',');
}

export interface TusServer {
  url: string;
  uploads: UploadServer;
  /** Sum of the sizes onBytes reported. */
  bytesCounted(): number;
  close(): Promise<void>;
  http: BoundHttp;
}

/** The real HTTP server (bindHttp + createHttpApp) on 127.0.0.1, port 0, with the uploads the config sets, wired to the runtime's jobs as the runtime's own are. */
export async function startTusServer(rt: Runtime): Promise<TusServer> {
  const http = await bindHttp({ ...rt.config.server, host: '127.0.0.1', port: 0 } as Config['server']);
  let counted = 0;
  const uploads = openUploadServer({
    ...configuredUploads(rt.config), onBytes: (n) => { counted += n; },
    uploadInUse: (id, folder) => rt.jobs.usesUpload(id, folder), log: rt.log,
  });
  http.mount(createHttpApp(rt, uploads));
  return {
    url: http.url, uploads, http,
    bytesCounted: () => counted,
    async close() {
      uploads.close();
      const closed = http.close();
      // fetch keeps sockets open, some never used (one opened after an aborted request): a
      // server going away drops them, as a restarted process would.
      (http.server as HttpServer).closeAllConnections();
      await closed;
    },
  };
}

/** POST /uploads: creates an upload of `length` bytes (or a deferred length); returns the response. */
export function create(base: string, o: { length?: number; meta?: Record<string, string>; body?: Uint8Array } = {}): Promise<Response> {
  const headers: Record<string, string> = { ...TUS };
  if (o.length === undefined) headers['Upload-Defer-Length'] = '1';
  else headers['Upload-Length'] = String(o.length);
  if (o.meta) headers['Upload-Metadata'] = metadataHeader(o.meta);
  if (o.body) Object.assign(headers, OCTETS);
  return fetch(`${base}/uploads`, { method: 'POST', headers, body: o.body as BodyInit | undefined });
}

/** The absolute URL of a created upload (Location is relative: '/uploads/<id>'). */
export function uploadUrl(base: string, created: Response): string {
  const loc = created.headers.get('location');
  if (!loc) throw new Error(`no Location in a ${created.status} answer`);
  return new URL(loc, base).href;
}

export function patch(url: string, offset: number, body: Uint8Array | ReadableStream<Uint8Array>, extra: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(url, {
    method: 'PATCH', headers: { ...TUS, ...OCTETS, 'Upload-Offset': String(offset), ...extra }, body, signal,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
}

export function head(url: string): Promise<Response> {
  return fetch(url, { method: 'HEAD', headers: TUS });
}

export function del(url: string): Promise<Response> {
  return fetch(url, { method: 'DELETE', headers: TUS });
}

/** A body sent without Content-Length (chunked), one chunk per element. */
export function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({ pull(c) { if (i < chunks.length) c.enqueue(chunks[i++]!); else c.close(); } });
}
