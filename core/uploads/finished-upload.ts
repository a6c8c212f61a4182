import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FileConfigstore } from '@tus/file-store';
import { probe, type ProbeResult } from '../../native/lib/index.js';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { safeUploadFilename } from './upload-filename.js';

export interface FinishedUpload {
  id: string;
  /** The uploaded file (named by its id, no extension: probe reads the content, not the name). */
  path: string;
  /** The client's file name (tus metadata `filename`), made safe as a file name; undefined when none was given. */
  filename: string | undefined;
  size: number;
  probe: ProbeResult;
}

/** Ids the library makes are 32 hex digits; anything that could name another file is refused first. */
export const UPLOAD_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * A complete upload a job may use: it exists, has every byte it declared, and is media.
 * Throws E_UPLOAD_NOT_FOUND (no such upload), E_UPLOAD_INCOMPLETE (bytes still to come) or
 * E_MEDIA_UNREADABLE (not media: nothing to dub).
 */
export async function finishedUpload(dir: string, id: string): Promise<FinishedUpload> {
  const { upload, path } = await uploadOf(dir, id);
  if (upload.size === undefined || upload.offset < upload.size) {
    const total = upload.size === undefined ? 'an undeclared length' : `${upload.size}`;
    throw new DubarrError('E_UPLOAD_INCOMPLETE', `Upload ${id} has ${upload.offset} of ${total} bytes`, { details: { uploadId: id, offset: upload.offset, size: upload.size } });
  }
  const filename = safeUploadFilename(upload.metadata?.filename);
  let probed: ProbeResult;
  try {
    probed = await probe(path);
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'E_MEDIA_UNREADABLE') throw DubarrError.from(e);
    throw new DubarrError('E_MEDIA_UNREADABLE', `Upload ${id}${filename ? ` (${filename})` : ''} is not a media file FFmpeg can read: ${(e as Error).message}`, { cause: e, details: { uploadId: id } });
  }
  if (!probed.streams.some((s) => s.type === 'audio' || s.type === 'video')) {
    throw new DubarrError('E_MEDIA_UNREADABLE', `Upload ${id}${filename ? ` (${filename})` : ''} has no audio or video stream`, { details: { uploadId: id } });
  }
  return { id, path, filename, size: upload.size, probe: probed };
}

interface StoredUpload {
  size?: number;
  offset: number;
  metadata?: Record<string, string | null>;
}

/**
 * Read as the file store keeps it (its metadata JSON, the offset being the file's length)
 * without constructing a store, whose constructor creates the folder.
 */
async function uploadOf(dir: string, id: string): Promise<{ upload: StoredUpload; path: string }> {
  const notFound = () => new DubarrError('E_UPLOAD_NOT_FOUND', `No upload with id ${JSON.stringify(id.slice(0, 140))}`, { details: { uploadId: id } });
  if (!UPLOAD_ID.test(id)) throw notFound();
  const info = (await new FileConfigstore(dir).get(id)) as StoredUpload | undefined;
  const path = join(dir, id);
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => { if (e.code === 'ENOENT') return undefined; throw e; });
  if (!info || !st?.isFile()) throw notFound();
  return { upload: { ...info, offset: st.size }, path };
}
