/**
 * One attempt at bringing one model file from a Hugging Face style server into a partial file:
 * resumed with Range where bytes are already on disk, redirects followed by hand (so the token
 * goes only where it belongs), hashed while streaming. Whatever goes wrong is a coded error; the
 * caller (pull-model.ts) decides what to retry.
 *
 * Resuming never mixes two versions of a file: a resumed request carries If-Range with the
 * validator the partial bytes came with (the final server's ETag, else its Last-Modified), so a
 * server whose file changed answers 200 with the whole new file, and we start over. Hugging Face
 * names an LFS file's content in X-Linked-Etag on its redirect (its sha256): a different one
 * than the partial's also means start over, before asking the CDN at all. The sha256 against
 * the catalogue is the last word either way.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { DubarrError } from '../../plugins/sdk/errors.js';

/** What identifies the version of the file the partial bytes came from. */
export interface FileValidators {
  /** The final (200/206) response's ETag. */
  etag?: string;
  /** Hugging Face's X-Linked-Etag (the LFS object's sha256), from the resolve hop. */
  linkedEtag?: string;
  lastModified?: string;
}

export interface FileDownload {
  /** The file on the endpoint: `${endpoint}/${repo}/resolve/${revision}/${path}`. */
  url: string;
  /** For messages: the repository and the file's path in it. */
  repo: string;
  path: string;
  /** Sent as `Authorization: Bearer` to the endpoint's origin only, never to a redirect target elsewhere. */
  token?: string;
  /** The partial file: appended to when it has bytes, created otherwise. */
  dest: string;
  expected: { sha256: string; size: number };
  /** Those of the partial bytes, from the attempt that wrote them. */
  validators: FileValidators;
  /** Called before any byte of a response is written, so what is stored always matches the bytes on disk. */
  saveValidators(v: FileValidators): Promise<void>;
  /** Bytes of this file on disk, as they grow. */
  onBytes(bytes: number): void;
  signal: AbortSignal;
  /** No byte (or no answer) for this long fails the attempt. */
  stallMs: number;
  maxRedirects: number;
  fetch: typeof fetch;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Why an attempt starts the file over from its first byte. */
class StartOver extends Error {}

/** Brings the file to its full size and checks its sha256; E_MODEL_CHECKSUM (file deleted) on a mismatch. */
export async function downloadFile(d: FileDownload): Promise<void> {
  // At most two passes: the second starts from byte 0, which cannot need a third.
  for (let pass = 0; ; pass++) {
    try {
      await attempt(d, pass > 0);
      return;
    } catch (e) {
      if (!(e instanceof StartOver) || pass > 0) throw e;
      await rm(d.dest, { force: true });
      d.validators = {};
    }
  }
}

async function attempt(d: FileDownload, fromZero: boolean): Promise<void> {
  let offset = fromZero ? 0 : await sizeOf(d.dest);
  if (offset > d.expected.size) throw new StartOver();
  const hash = createHash('sha256');
  if (offset > 0) await hashFile(d.dest, hash, d.signal);
  if (offset === d.expected.size) {
    // A partial already whole (a pull stopped between its last byte and the next file).
    if (hash.digest('hex') !== d.expected.sha256) throw new StartOver();
    d.onBytes(offset);
    return;
  }
  d.onBytes(offset);

  const stall = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stall.abort(), d.stallMs);
  };
  const signal = AbortSignal.any([d.signal, stall.signal]);
  arm();
  try {
    const { res, linkedEtag, url } = await request(d, offset, signal);
    const validators: FileValidators = {
      etag: res.headers.get('etag') ?? undefined, linkedEtag: linkedEtag ?? undefined, lastModified: res.headers.get('last-modified') ?? undefined,
    };
    if (res.status === 206) {
      const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
      // A server that ignored If-Range, or answered another range, would splice two files.
      if (!range || Number(range[1]) !== offset || changed(d.validators, validators)) {
        await res.body?.cancel();
        throw new StartOver();
      }
      if (range[2] !== '*') await checkSize(d, res, Number(range[2]));
    } else if (res.status === 200) {
      // The whole file (the validator no longer matched, or no Range support): start over with it.
      offset = 0;
      const length = res.headers.get('content-length');
      if (length !== null) await checkSize(d, res, Number(length));
    } else {
      await res.body?.cancel();
      if (res.status === 416 && offset > 0) throw new StartOver(); // the partial is longer than the file is now
      throw statusError(res.status, url, d);
    }
    const fileHash = res.status === 200 ? createHash('sha256') : hash;
    await d.saveValidators(validators);
    d.validators = validators;
    await writeBody(d, res, offset, fileHash, arm);
  } catch (e) {
    if (e instanceof StartOver || e instanceof DubarrError) throw e;
    const fsError = e as NodeJS.ErrnoException;
    if (fsError.syscall !== undefined && fsError.path !== undefined) {
      // Our own disk (full, read-only, not ours), not the network: retrying would not help.
      throw new DubarrError('E_OUTPUT_WRITE', `cannot write ${fsError.path} in models.dir (${fsError.code ?? fsError.message})`, { cause: e });
    }
    if (d.signal.aborted) throw new DubarrError('E_CANCELLED', 'The pull was cancelled; pull again to resume it', { cause: e });
    if (stall.signal.aborted) {
      throw new DubarrError('E_MODEL_DOWNLOAD', `no data from the server for ${Math.round(d.stallMs / 1000)} s while downloading ${d.path}`);
    }
    throw new DubarrError('E_MODEL_DOWNLOAD', `the download of ${d.path} broke off: ${networkReason(e)}`, { cause: e });
  } finally {
    clearTimeout(timer);
  }
}

/** The request, with redirects followed by hand; the response that is not a redirect. */
async function request(d: FileDownload, offset: number, signal: AbortSignal): Promise<{ res: Response; linkedEtag: string | null; url: string }> {
  const endpoint = new URL(d.url).origin;
  let url = d.url;
  let linkedEtag: string | null = null;
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { 'accept-encoding': 'identity' };
    if (d.token && new URL(url).origin === endpoint) headers.authorization = `Bearer ${d.token}`;
    if (offset > 0) {
      headers.range = `bytes=${offset}-`;
      const validator = strongEtag(d.validators.etag) ?? d.validators.lastModified;
      if (validator) headers['if-range'] = validator;
    }
    const res = await d.fetch(url, { headers, redirect: 'manual', signal });
    linkedEtag ??= res.headers.get('x-linked-etag');
    // The hub says the file is another one than the partial's: start over before asking the CDN.
    if (offset > 0 && linkedEtag && d.validators.linkedEtag && linkedEtag !== d.validators.linkedEtag) {
      await res.body?.cancel();
      throw new StartOver();
    }
    const location = res.headers.get('location');
    if (!REDIRECTS.has(res.status) || !location) return { res, linkedEtag, url };
    await res.body?.cancel();
    if (hop >= d.maxRedirects) throw new DubarrError('E_MODEL_DOWNLOAD', `more than ${d.maxRedirects} redirects for ${d.path} of ${d.repo}`, { details: { retry: false } });
    url = new URL(location, url).href;
  }
}

async function writeBody(d: FileDownload, res: Response, offset: number, hash: Hash, arm: () => void): Promise<void> {
  const fh = await open(d.dest, offset === 0 ? 'w' : 'a');
  let size = offset;
  try {
    if (res.body) {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        arm();
        if (size + chunk.length > d.expected.size) {
          throw new DubarrError('E_MODEL_CHECKSUM', `${d.path} is larger than the catalogue's ${d.expected.size} bytes`);
        }
        await fh.write(chunk);
        hash.update(chunk);
        size += chunk.length;
        d.onBytes(size);
      }
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (size < d.expected.size) {
    throw new DubarrError('E_MODEL_DOWNLOAD', `the server ended ${d.path} after ${size} of ${d.expected.size} bytes`);
  }
  const got = hash.digest('hex');
  if (got !== d.expected.sha256) {
    throw new DubarrError('E_MODEL_CHECKSUM', `${d.path} of ${d.repo} has sha256 ${got}, the catalogue says ${d.expected.sha256}`);
  }
}

/** A file of another size than the catalogue's is another file: fail before downloading it. */
async function checkSize(d: FileDownload, res: Response, size: number): Promise<void> {
  if (size === d.expected.size) return;
  await res.body?.cancel();
  throw new DubarrError('E_MODEL_CHECKSUM', `${d.path} of ${d.repo} is ${size} bytes on the server, the catalogue says ${d.expected.size}`);
}

/** The partial's version and the response's differ (the server did not honour If-Range). */
function changed(had: FileValidators, got: FileValidators): boolean {
  const a = strongEtag(had.etag);
  const b = strongEtag(got.etag);
  return a !== undefined && b !== undefined && a !== b;
}

/** If-Range compares strongly: a weak ETag (W/"...") cannot be used. */
function strongEtag(etag: string | undefined): string | undefined {
  return etag && !etag.startsWith('W/') ? etag : undefined;
}

function statusError(status: number, url: string, d: FileDownload): DubarrError {
  const name = `${d.path} of ${d.repo}`;
  // A CDN's 403 is an expired signed address, not the account's rights: a new attempt asks afresh.
  if ((status === 401 || status === 403) && new URL(url).origin === new URL(d.url).origin) {
    const repo = d.repo;
    return new DubarrError('E_MODEL_AUTH', d.token
      ? `the server refused HF_TOKEN for ${repo} (${status}): accept the model's licence on its Hugging Face page with the token's account, or use a token of an account that has`
      : `${repo} needs a Hugging Face token (${status}): accept the model's licence on its Hugging Face page, then set HF_TOKEN to a token of that account`,
    { details: { status } });
  }
  if (status === 404) {
    return new DubarrError('E_MODEL_DOWNLOAD', `${name} is not on the server at the catalogue's revision (404): the catalogue entry may be wrong; please report it`, { details: { status, retry: false } });
  }
  // 5xx, 429, a CDN's refusal: worth another attempt.
  return new DubarrError('E_MODEL_DOWNLOAD', `the server answered ${status} for ${name}`, { details: { status } });
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function hashFile(path: string, hash: Hash, signal: AbortSignal): Promise<void> {
  for await (const chunk of createReadStream(path, { signal })) hash.update(chunk as Buffer);
}

function networkReason(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
}
