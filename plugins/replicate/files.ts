/**
 * Files in and out of Replicate. A local input (a still, a clip) is uploaded through
 * POST /v1/files and passed to the model by its URL. Outputs are downloaded as soon as the
 * prediction ends: Replicate deletes an API prediction's output files after about an hour.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { DubarrError } from '../sdk/index.js';
import { callApi, type ReplicateConnection } from './api.js';
import { outputUrls, type Prediction } from './prediction.js';

const CONTENT_TYPES: Record<string, string> = {
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp',
  '.wav': 'audio/wav', '.mp3': 'audio/mpeg', '.flac': 'audio/flac', '.ogg': 'audio/ogg',
  '.mp4': 'video/mp4', '.webm': 'video/webm', '.mov': 'video/quicktime',
};

/** Uploads a local file; returns the URL a model input takes. */
export async function uploadFile(conn: ReplicateConnection, path: string, signal: AbortSignal): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    throw new DubarrError('E_INPUT_NOT_FOUND', `replicate: cannot read ${basename(path)} to upload it`);
  }
  const form = new FormData();
  const type = CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
  form.append('content', new Blob([new Uint8Array(bytes)], { type }), basename(path));
  // Uploads are free and expire; one sent twice after a lost answer costs nothing.
  const res = await callApi(conn, { path: '/v1/files', form, idempotent: true, signal });
  const url = (res.json as { urls?: { get?: unknown } } | null)?.urls?.get;
  if (typeof url !== 'string') throw new DubarrError('E_PROVIDER_FAILED', 'replicate: POST /v1/files answered without urls.get');
  return url;
}

function extensionOf(url: string, contentType: string | null): string {
  const fromUrl = extname(new URL(url).pathname).toLowerCase();
  if (/^\.[a-z0-9]{1,5}$/.test(fromUrl)) return fromUrl;
  const fromType = Object.entries(CONTENT_TYPES).find(([, t]) => t === contentType?.split(';')[0]?.trim());
  return fromType?.[0] ?? '.bin';
}

/** Every output file of a finished prediction, downloaded into `dir` in output order. */
export async function downloadOutputs(conn: ReplicateConnection, p: Prediction, dir: string, signal: AbortSignal): Promise<string[]> {
  const urls = outputUrls(p.output);
  if (urls.length === 0) throw new DubarrError('E_PROVIDER_FAILED', `replicate: prediction ${p.id} succeeded without an output file`);
  const files: string[] = [];
  for (const [i, url] of urls.entries()) {
    const res = await callApi(conn, { path: url, idempotent: true, signal, expectJson: false, acceptStatus: (s) => s === 404 || s === 410 });
    if (res.status === 404 || res.status === 410) {
      throw new DubarrError('E_PROVIDER_FAILED', `replicate: the output of prediction ${p.id} is gone (Replicate deletes API outputs after about an hour); the job retries and runs the model again`);
    }
    const file = join(dir, `${p.id.replace(/[^A-Za-z0-9_-]/g, '')}-${i}${extensionOf(url, res.headers.get('content-type'))}`);
    await writeFile(file, res.body);
    files.push(file);
  }
  return files;
}
