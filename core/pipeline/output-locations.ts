/**
 * Where a job will write, checked before it runs, so an output folder that is missing or not
 * writable fails the job at once with a coded error instead of at 80 % after all the work.
 * The scheduler calls this when a job is created (every door: CLI, watch folders, API) and
 * again when a queued job starts (a watch job may wait hours; permissions and mounts change).
 */
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { JobOptions } from '../jobs/store.js';

export interface OutputCheck {
  /**
   * 'create' (the job is being created): a missing outDir is created, and each folder is proven
   * writable by writing to it. 'start' (a queued job starts): nothing is created (a folder that
   * vanished may be an unmounted drive, and recreating it would fill the disk under the mount
   * point), and the permission check is access(), which costs microseconds.
   */
  when: 'create' | 'start';
}

/**
 * Throws E_OUTPUT_NOT_WRITABLE unless every place the job writes is writable: mux and sidecar
 * write into outDir (else the source's folder); inplace writes beside the source and replaces
 * the source itself. A missing input is left to the job, which fails with E_INPUT_NOT_FOUND.
 */
export function prepareOutputLocations(input: string, options: Pick<JobOptions, 'mode' | 'outDir'>, o: OutputCheck): void {
  if (!existsSync(input)) return;
  if (options.mode === 'inplace') {
    assertWritableFolder(dirname(input), 'the source\'s folder (in-place mode writes the new file beside it)', o);
    assertWritableFile(input);
    return;
  }
  if (options.outDir) {
    ensureFolder(options.outDir, o.when === 'create');
    assertWritableFolder(options.outDir, 'the output folder', o);
  } else {
    assertWritableFolder(dirname(input), 'the source\'s folder (results are written beside the source)', o);
  }
}

function refuse(message: string): DubarrError {
  const uid = process.getuid?.();
  return new DubarrError('E_OUTPUT_NOT_WRITABLE', uid === undefined ? message : `${message} (dubarr runs as uid ${uid})`);
}

const reason = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

function ensureFolder(dir: string, create: boolean): void {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw refuse(`Cannot read the output folder ${dir} (${reason(e)})`);
    if (!create) throw refuse(`The output folder ${dir} no longer exists (was a drive unmounted?); create it or mount it again`);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw refuse(`Cannot create the output folder ${dir} (${reason(err)})`);
    }
    return;
  }
  if (!isDir) throw refuse(`The output folder ${dir} is a file, not a folder`);
}

/** Folders a probe file was written to recently, by time: a backfill of a thousand files in one folder probes it once. */
const proven = new Map<string, number>();
const PROVEN_MS = 10_000;

/**
 * access() always: it sees permissions, read-only mounts and vanished folders. When a job is
 * created, also an empty hidden file created and removed, because only the server of a network
 * share knows what it will refuse (a read-only SMB share mounted read-write passes access()).
 * The probe's name is one watch folders ignore.
 */
function assertWritableFolder(dir: string, what: string, o: OutputCheck): void {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    if (o.when === 'create' && !(Date.now() - (proven.get(dir) ?? -Infinity) < PROVEN_MS)) {
      const probe = join(dir, `.dubarr-write-check-${randomBytes(4).toString('hex')}.part`);
      closeSync(openSync(probe, 'wx'));
      unlinkSync(probe);
      proven.set(dir, Date.now());
    }
  } catch (e) {
    proven.delete(dir);
    throw refuse(`Cannot write to ${what} ${dir} (${reason(e)})`);
  }
}

function assertWritableFile(file: string): void {
  try {
    accessSync(file, constants.R_OK | constants.W_OK);
  } catch (e) {
    throw refuse(`In-place mode replaces ${file}, which is read-only (${reason(e)}); make it writable or use mux mode`);
  }
}
