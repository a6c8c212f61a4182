/**
 * A whole pull of one catalogue model: the lock, each file downloaded and verified into the
 * staging folder (with bounded retries that resume), then the folder renamed into place with
 * its manifest. A model folder appears complete or not at all; what fails its checksum is
 * deleted with the rest of the staging folder, so nothing is left behind.
 */
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { INSTALLED_MANIFEST, type ModelEntry, type ModelFile } from '../../plugins/sdk/models.js';
import type { Logger } from '../app/logger.js';
import { downloadFile, type FileValidators } from './file-download.js';
import { installedState, sameFiles } from './installed-models.js';
import { acquirePullLock } from './pull-lock.js';
import { filesBelow, readStagingState, removeStaging, setValidators, stagingOf, writeStagingState, type Staging } from './staging.js';

export interface PullProgress {
  id: string;
  /** The file under way (its path in the repository), its bytes on disk and size. */
  file: string;
  fileBytes: number;
  fileTotal: number;
  /** Every file's bytes so far, of the model's total. */
  bytes: number;
  total: number;
}

export interface PullSettings {
  modelsDir: string;
  /** Hugging Face or a mirror, without a trailing slash. */
  endpoint: string;
  token?: string;
  fetch: typeof fetch;
  /** Waits between retries and while another process holds the lock; rejects when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /**
   * attempts: tries of a file in a row that bring no new byte (an attempt that does resets the
   * count, so a connection that keeps breaking still gets the file, one resume at a time).
   * Waits between them double from baseMs up to maxMs.
   */
  retry: { attempts: number; baseMs: number; maxMs: number };
  stallMs: number;
  maxRedirects: number;
  lockPollMs: number;
  log: Logger;
}

export interface PullRun {
  signal: AbortSignal;
  onProgress?(p: PullProgress): void;
  /** Another process pulls this model; this pull waits for it, then finds the model installed. */
  onWait?(holder: { pid: number; host: string }): void;
}

export interface PullOutcome {
  id: string;
  dir: string;
  /** false: it was installed already, at the catalogue's files. */
  downloaded: boolean;
}

/** How often a pull marks its lock alive for processes on other hosts. */
const TOUCH_MS = 30_000;

/** `${endpoint}/${repo}/resolve/${revision}/${path}`, each part encoded as Hugging Face's own clients do. */
export function resolveUrl(endpoint: string, entry: ModelEntry, path: string): string {
  const revision = encodeURIComponent(entry.source.revision);
  return `${endpoint}/${entry.source.repo}/resolve/${revision}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

export async function pullModel(entry: ModelEntry, s: PullSettings, run: PullRun): Promise<PullOutcome> {
  const staging = stagingOf(s.modelsDir, entry.id);
  const target = join(s.modelsDir, entry.id);
  const lock = await acquirePullLock(staging, { signal: run.signal, pollMs: s.lockPollMs, sleep: s.sleep, onWait: run.onWait });
  let keep = true;
  try {
    // Under the lock: a pull that held it before may have installed the model meanwhile.
    const now = await installedState(s.modelsDir, entry.id);
    if (now.kind === 'installed' && sameFiles(now.entry, entry)) {
      keep = false;
      return { id: entry.id, dir: target, downloaded: false };
    }
    if (now.kind === 'no-manifest' || now.kind === 'invalid') {
      throw new DubarrError('E_INVALID_ARGUMENT', `${target} exists but is not an installed model (${now.kind === 'invalid' ? now.reason : `no ${INSTALLED_MANIFEST}`}): `
        + 'move it out of models.dir (or finish the copy with its manifest), then pull again', { details: { model: entry.id } });
    }
    await prepareStaging(staging, entry);
    const total = entry.files.reduce((n, f) => n + f.size, 0);
    let done = 0;
    let touchedAt = Date.now();
    for (const file of entry.files) {
      await fetchFile(entry, file, staging, s, run, (fileBytes) => {
        run.onProgress?.({ id: entry.id, file: file.path, fileBytes, fileTotal: file.size, bytes: done + fileBytes, total });
        if (Date.now() - touchedAt > TOUCH_MS) { touchedAt = Date.now(); void lock.touch(); }
      });
      done += file.size;
    }
    await writeManifest(staging, entry);
    await install(staging, target);
    await syncDir(s.modelsDir);
    keep = false;
    s.log.info({ model: entry.id, dir: target }, 'model installed');
    return { id: entry.id, dir: target, downloaded: true };
  } catch (e) {
    if (DubarrError.from(e).code === 'E_MODEL_CHECKSUM') keep = false;
    throw e;
  } finally {
    // Bytes are kept for the next pull to resume; a staging folder without any is not.
    if (keep && (await filesBelow(staging.files)).length > 0) await lock.release();
    else await removeStaging(staging);
  }
}

/** Drops staged files the entry does not list, or staged for other contents (the catalogue changed since). */
async function prepareStaging(staging: Staging, entry: ModelEntry): Promise<void> {
  const state = await readStagingState(staging);
  for (const path of await filesBelow(staging.files)) {
    const want = entry.files.find((f) => f.path === path);
    const had = state.files[path];
    if (!want || (had && had.sha256 !== want.sha256)) {
      await rm(join(staging.files, path), { force: true });
      delete state.files[path];
    }
  }
  await writeStagingState(staging, state);
}

async function fetchFile(entry: ModelEntry, file: ModelFile, staging: Staging, s: PullSettings, run: PullRun, onBytes: (n: number) => void): Promise<void> {
  const dest = join(staging.files, file.path);
  await mkdir(join(dest, '..'), { recursive: true });
  const state = await readStagingState(staging);
  let validators: FileValidators = state.files[file.path]?.sha256 === file.sha256 ? state.files[file.path]!.validators : {};
  let bytes = 0;
  let failures = 0;
  for (;;) {
    const before = bytes;
    try {
      await downloadFile({
        url: resolveUrl(s.endpoint, entry, file.path), repo: entry.source.repo, path: file.path, token: s.token,
        dest, expected: { sha256: file.sha256, size: file.size }, validators,
        saveValidators: async (v) => {
          validators = v;
          setValidators(state, file.path, file.sha256, v);
          await writeStagingState(staging, state);
        },
        onBytes: (n) => { bytes = n; onBytes(n); },
        signal: run.signal, stallMs: s.stallMs, maxRedirects: s.maxRedirects, fetch: s.fetch,
      });
      return;
    } catch (e) {
      const err = DubarrError.from(e);
      if (err.code !== 'E_MODEL_DOWNLOAD' || err.details?.retry === false || run.signal.aborted) throw err;
      failures = bytes > before ? 1 : failures + 1;
      if (failures >= s.retry.attempts) throw err;
      const wait = Math.min(s.retry.maxMs, s.retry.baseMs * 2 ** (failures - 1));
      s.log.warn({ model: entry.id, file: file.path, bytes, err: err.message, retryInMs: wait }, 'model download interrupted; resuming');
      await s.sleep(wait, run.signal);
    }
  }
}

/** The manifest, written last into the staging copy and flushed: its presence is what makes a folder a model. */
async function writeManifest(staging: Staging, entry: ModelEntry): Promise<void> {
  const fh = await open(join(staging.files, INSTALLED_MANIFEST), 'w');
  try {
    await fh.writeFile(`${JSON.stringify(entry, null, 2)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await syncDir(staging.files);
}

/**
 * The staged folder becomes <id>/ by one rename. An older install (the catalogue moved to new
 * files) is moved aside first and deleted after: between the two renames the id is briefly
 * absent, never a mix of old and new files.
 */
async function install(staging: Staging, target: string): Promise<void> {
  try {
    await rename(staging.files, target);
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
  }
  const old = join(staging.root, 'replaced');
  await rm(old, { recursive: true, force: true });
  await rename(target, old);
  await rename(staging.files, target);
  await rm(old, { recursive: true, force: true });
}

/** Makes renames and new entries in a folder durable (a power cut after "installed" keeps it). */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r').catch(() => undefined);
  try {
    await fh?.sync();
  } catch {
    // Some file systems cannot fsync a folder; the rename itself is still atomic.
  } finally {
    await fh?.close();
  }
}
