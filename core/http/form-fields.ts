/**
 * The text fields of a small form (multipart/form-data or application/x-www-form-urlencoded):
 * what Plex (the `payload` field) and Emby (`data`) post. File parts, such as the poster Plex
 * attaches, are read past and dropped. The fields, and the whole body, are bounded, since these
 * bodies skip the JSON body limit (multipart ones do).
 */
import { Busboy, type BusboyFileStream } from '@fastify/busboy';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { DubarrError } from '../../plugins/sdk/errors.js';

/** A poster is tens of kilobytes; anything far larger is not a webhook. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export async function readFormFields(req: Request, maxFieldBytes: number): Promise<Map<string, string>> {
  const type = req.headers.get('content-type') ?? '';
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  if (!req.body) return new Map();
  let bb: InstanceType<typeof Busboy>;
  try {
    bb = new Busboy({ headers: { 'content-type': type }, limits: { fields: 32, fieldSize: maxFieldBytes, files: 4, parts: 64 } });
  } catch (e) {
    throw new DubarrError('E_INVALID_ARGUMENT', `The form cannot be read: ${(e as Error).message}`, { cause: e });
  }
  const fields = new Map<string, string>();
  const source = Readable.fromWeb(req.body as WebReadableStream<Uint8Array>);
  let seen = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      bb.on('field', (name: string, value: string, _nameTruncated: boolean, valueTruncated: boolean) => {
        if (valueTruncated) reject(new DubarrError('E_REQUEST_TOO_LARGE', `The form field '${name}' is larger than ${maxFieldBytes} bytes (server.maxRequestBytes)`));
        else if (!fields.has(name)) fields.set(name, value);
      });
      bb.on('file', (_name: string, stream: BusboyFileStream) => stream.resume());
      bb.on('error', (e: Error) => reject(new DubarrError('E_INVALID_ARGUMENT', `The form cannot be read: ${e.message}`, { cause: e })));
      bb.on('finish', resolve);
      source.on('data', (chunk: Buffer) => { seen += chunk.length; if (seen > MAX_BODY_BYTES) reject(tooLarge()); });
      source.on('error', reject);
      source.pipe(bb);
    });
  } finally {
    source.unpipe(bb);
    source.pause();
  }
  return fields;
}

function tooLarge(): DubarrError {
  return new DubarrError('E_REQUEST_TOO_LARGE', `A webhook form may be at most ${MAX_BODY_BYTES} bytes`);
}
