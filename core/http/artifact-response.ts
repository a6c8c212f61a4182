/**
 * Serves one artifact over HTTP: streamed from disk (never read whole), with Range/206/416,
 * a strong ETag, If-None-Match/If-Range, its media type and an attachment disposition.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { Artifact } from '../service/artifacts.js';
import { errorBody } from './error-response.js';

const MEDIA_TYPES: Record<string, string> = {
  '.mkv': 'video/x-matroska', '.mp4': 'video/mp4', '.m4v': 'video/mp4', '.mov': 'video/quicktime', '.webm': 'video/webm',
  '.ts': 'video/mp2t', '.avi': 'video/x-msvideo',
  '.mka': 'audio/x-matroska', '.m4a': 'audio/mp4', '.opus': 'audio/ogg', '.ogg': 'audio/ogg', '.flac': 'audio/flac', '.wav': 'audio/wav',
  '.srt': 'application/x-subrip; charset=utf-8', '.vtt': 'text/vtt; charset=utf-8', '.ass': 'text/x-ssa; charset=utf-8', '.ssa': 'text/x-ssa; charset=utf-8',
  '.json': 'application/json', '.jpg': 'image/jpeg',
};

export function mediaType(name: string): string {
  return MEDIA_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/** `attachment; filename="Pel_cula.mkv"; filename*=UTF-8''Pel%C3%ADcula.mkv` (RFC 6266 with RFC 5987 for names beyond ASCII). */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  if (ascii === name) return `attachment; filename="${name}"`;
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

type ByteRange = { start: number; end: number };

/**
 * One `bytes=` range of a representation of `size` bytes: the range, 'unsatisfiable', or
 * undefined to send the whole (no header, another unit, a malformed or multi-range header:
 * RFC 9110 lets a server ignore those).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  const m = header === undefined ? null : /^bytes=\s*(\d*)-(\d*)\s*$/.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return undefined; // invalid: ignored
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

function etagOf(a: Artifact, st: Stats | undefined): string {
  const id = 'file' in a.source ? `${a.source.file}\0${st!.size}\0${st!.mtimeMs}\0${st!.ino}` : a.source.document;
  return `"${createHash('sha256').update(id).digest('base64url').slice(0, 27)}"`;
}

/** If-None-Match: a list of tags or `*`; weak comparison (RFC 9110 13.1.2). */
function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/** If-Range: the range applies only to the representation the client has (strong comparison, or the exact Last-Modified). */
function rangeStillValid(header: string | undefined, etag: string, lastModified: string | undefined): boolean {
  if (header === undefined) return true;
  const h = header.trim();
  if (h.startsWith('"') || h.startsWith('W/')) return h === etag;
  return lastModified !== undefined && h === lastModified;
}

export async function artifactResponse(a: Artifact, req: Request): Promise<Response> {
  let fh: FileHandle | undefined;
  let st: Stats | undefined;
  if ('file' in a.source) {
    // One open file: what is checked (size, ETag) is what is sent, even if the path is replaced meanwhile.
    fh = await open(a.source.file, 'r').catch((e: unknown) => {
      throw new DubarrError('E_ARTIFACT_NOT_FOUND', `The file of artifact '${a.name}' can no longer be read (${(e as NodeJS.ErrnoException).code ?? e})`);
    });
    st = await fh.stat();
  }
  let handed = false;
  try {
    const size = st ? st.size : (a.source as { document: Buffer }).document.length;
    const etag = etagOf(a, st);
    const lastModified = st ? new Date(st.mtimeMs).toUTCString() : undefined;
    const headers = new Headers({ etag, 'accept-ranges': 'bytes', 'cache-control': 'no-cache' });
    if (lastModified) headers.set('last-modified', lastModified);
    if (noneMatch(req.headers.get('if-none-match') ?? undefined, etag)) return new Response(null, { status: 304, headers });
    headers.set('content-type', mediaType(a.name));
    headers.set('content-disposition', contentDisposition(a.name));
    const range = rangeStillValid(req.headers.get('if-range') ?? undefined, etag, lastModified)
      ? parseRange(req.headers.get('range') ?? undefined, size) : undefined;
    if (range === 'unsatisfiable') {
      headers.set('content-range', `bytes */${size}`);
      headers.set('content-type', 'application/json');
      headers.delete('content-disposition');
      const err = new DubarrError('E_RANGE_NOT_SATISFIABLE', `The range '${req.headers.get('range')}' lies outside the ${size} bytes of '${a.name}'`);
      return new Response(JSON.stringify(errorBody(err)), { status: 416, headers });
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    if (range) headers.set('content-range', `bytes ${start}-${end}/${size}`);
    headers.set('content-length', String(Math.max(0, end - start + 1)));
    const status = range ? 206 : 200;
    if (req.method === 'HEAD' || size === 0) return new Response(null, { status, headers });
    // A copy (a small JSON document): the DOM typings graphql-yoga brings in take no Buffer as a body.
    if (!fh) return new Response(new Uint8Array((a.source as { document: Buffer }).document.subarray(start, end + 1)), { status, headers });
    const stream = fh.createReadStream({ start, end, highWaterMark: 1 << 16 });
    handed = true; // the stream closes the file when it ends or is destroyed (the client went away)
    return new Response(Readable.toWeb(stream) as ReadableStream, { status, headers });
  } finally {
    if (!handed) await fh?.close();
  }
}
