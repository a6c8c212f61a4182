/**
 * One file from a multipart/form-data request, streamed to a temp file as it arrives (hono's
 * parseBody would hold the whole body in memory). At most `maxBytes` of it reach the disk: past
 * that the request is refused (E_UPLOAD_TOO_LARGE) and the partial file removed. The other form
 * fields (small text) come back by name.
 */
import { Busboy, type BusboyFileStream } from '@fastify/busboy';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { DubarrError } from '../../plugins/sdk/errors.js';

export interface MultipartFile {
  path: string;
  /** Bytes written (the whole file part). */
  size: number;
  /** The file name the client gave, if any (clients that post bytes alone give the field's name or none). */
  filename?: string;
}

export interface MultipartUpload {
  file: MultipartFile;
  /** Text fields; a field sent more than once (`timestamp_granularities[]`) keeps every value. */
  fields: Map<string, string[]>;
}

export interface MultipartOptions {
  /** The form field that carries the file ('audio_file', 'file'). */
  fileField: string;
  /** Folder the file is written into (created by the caller). */
  dir: string;
  /** The file's name in `dir` (default `upload`); an existing file of that name is written over. */
  fileName?: string;
  /** server.maxUploadBytes: the most bytes of the file written; 0 = no limit. */
  maxBytes: number;
}

/** Text fields are parameters, not content: a few, and short. */
const FIELD_LIMITS = { fields: 32, fieldSize: 64 * 1024, parts: 64, headerPairs: 32 };
/** Room for the multipart framing and text fields around the file, for the Content-Length check. */
const FRAMING_ALLOWANCE = 1024 * 1024;

export function tooLarge(maxBytes: number): DubarrError {
  return new DubarrError('E_UPLOAD_TOO_LARGE', `The uploaded file is larger than ${maxBytes} bytes (server.maxUploadBytes); nothing was kept`,
    { details: { maxBytes } });
}

/**
 * Reads the request's multipart body; the caller removes `file.path` when done with it (a
 * rejected request leaves nothing behind). Throws E_INVALID_ARGUMENT for a body that is not
 * multipart or has no file in `fileField`.
 */
export async function receiveMultipart(req: Request, o: MultipartOptions): Promise<MultipartUpload> {
  // Every refusal that reads no byte comes before the body is touched: @hono/node-server then
  // drains what the client still sends, and the connection carries its next request. Once the
  // body's stream is open, only reading it drains the socket (see the catch below).
  const type = req.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data/i.test(type)) {
    throw new DubarrError('E_INVALID_ARGUMENT', `Send the file as multipart/form-data in the field '${o.fileField}' (got Content-Type '${type || 'none'}')`);
  }
  // A declared length far past the limit is refused before a byte is read.
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (o.maxBytes > 0 && declared > o.maxBytes + FRAMING_ALLOWANCE) throw tooLarge(o.maxBytes);

  const path = join(o.dir, o.fileName ?? 'upload');
  const fields = new Map<string, string[]>();
  let file: MultipartFile | undefined;
  let written: Promise<void> | undefined;
  let out: WriteStream | undefined;
  let failure: DubarrError | undefined;
  let bb: InstanceType<typeof Busboy>;
  try {
    bb = new Busboy({
      headers: { 'content-type': type },
      limits: { ...FIELD_LIMITS, files: 1, fileSize: o.maxBytes > 0 ? o.maxBytes : Infinity },
      // Clients that post raw bytes (Bazarr's, through python-requests) may give no file name.
      isPartAFile: (name, _type, filename) => name === o.fileField || filename !== undefined,
    });
  } catch (e) {
    throw new DubarrError('E_INVALID_ARGUMENT', `The multipart body cannot be read: ${(e as Error).message}`, { cause: e });
  }
  if (!req.body) throw new DubarrError('E_INVALID_ARGUMENT', `The request has no body: send the file as multipart/form-data in the field '${o.fileField}'`);
  const source = Readable.fromWeb(req.body as WebReadableStream<Uint8Array>);
  const finished = new Promise<void>((resolve, reject) => {
    bb.on('field', (name, value) => { fields.set(name, [...(fields.get(name) ?? []), value]); });
    bb.on('file', (name: string, stream: BusboyFileStream, filename: string | undefined) => {
      if (name !== o.fileField || file) { stream.resume(); return; }
      const f: MultipartFile = { path, size: 0, filename: filename || undefined };
      file = f;
      stream.on('data', (chunk: Buffer) => { f.size += chunk.length; });
      // busboy stops passing bytes at the limit: the file never grows past it.
      stream.on('limit', () => { failure ??= tooLarge(o.maxBytes); reject(failure); });
      out = createWriteStream(path);
      written = pipeline(stream, out);
      written.catch((e: unknown) => { failure ??= DubarrError.from(e); reject(failure); });
    });
    bb.on('error', (e: Error) => reject(failure ?? new DubarrError('E_INVALID_ARGUMENT', `The multipart body cannot be read: ${e.message}`, { cause: e })));
    bb.on('finish', resolve);
    source.on('error', (e: Error) => reject(failure ?? DubarrError.from(e)));
  });
  source.pipe(bb);
  try {
    await finished;
    await written;
    if (failure) throw failure;
    if (!file) throw new DubarrError('E_INVALID_ARGUMENT', `The form has no file in the field '${o.fileField}'`);
    return { file, fields };
  } catch (e) {
    // What the client still sends is read and dropped, nothing more written: the body's web
    // stream, once open, is the only reader of the socket, so without this the server's drain
    // (@hono/node-server: up to 64 MiB or 500 ms, then it drops the connection) would stall,
    // and drop the connection under a client already sending its next request on it.
    source.unpipe(bb);
    source.resume();
    // The file part may not have ended; the file's own stream always closes when destroyed.
    out?.destroy();
    await written?.catch(() => undefined);
    await rm(path, { force: true });
    throw DubarrError.from(e);
  }
}
