/**
 * Where a pull keeps its bytes until the model is whole: `<models.dir>/.partial/<id>/`, inside
 * models.dir so that the final move is a rename on one file system. openModel never looks there
 * (a dot folder is no model id), so nothing in it is ever loaded.
 *
 *   .partial/<id>/lock         the pull holding it (pull-lock.ts)
 *   .partial/<id>/state.json   per file: the sha256 it is meant to have and the validators its bytes came with
 *   .partial/<id>/files/...    the model's files as they arrive; renamed to <models.dir>/<id> once verified
 */
import { randomBytes } from 'node:crypto';
import { readFile, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { z } from 'zod';
import type { FileValidators } from './file-download.js';

export const STAGING_DIR = '.partial';

export interface Staging {
  root: string;
  files: string;
  state: string;
  lock: string;
}

export function stagingOf(modelsDir: string, id: string): Staging {
  const root = join(modelsDir, STAGING_DIR, id);
  return { root, files: join(root, 'files'), state: join(root, 'state.json'), lock: join(root, 'lock') };
}

const Validators = z.object({ etag: z.string().optional(), linkedEtag: z.string().optional(), lastModified: z.string().optional() });
const StagingState = z.object({ files: z.record(z.string(), z.object({ sha256: z.string(), validators: Validators })) });
export type StagingState = z.infer<typeof StagingState>;

/** The state a pull left; empty when there is none (or it cannot be read: its bytes are then checked by hash). */
export async function readStagingState(s: Staging): Promise<StagingState> {
  try {
    return StagingState.parse(JSON.parse(await readFile(s.state, 'utf8')));
  } catch {
    return { files: {} };
  }
}

/** Written whole (temp file + rename): a crash leaves the old state or the new, never half of one. */
export async function writeStagingState(s: Staging, state: StagingState): Promise<void> {
  const tmp = `${s.state}.${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, JSON.stringify(state));
  await rename(tmp, s.state);
}

export function setValidators(state: StagingState, path: string, sha256: string, validators: FileValidators): void {
  state.files[path] = { sha256, validators };
}

/** Every file below `dir`, as '/'-separated paths relative to it. */
export async function filesBelow(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch {
    return [];
  }
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
}

/**
 * Removes a pull's staging folder: everything, then the lock, then the folders (and `.partial`
 * when it is empty), in that order, so another process waiting for the lock never finds a lock
 * file in a folder being deleted under it.
 */
export async function removeStaging(s: Staging): Promise<void> {
  await rm(s.files, { recursive: true, force: true });
  for (const f of await readdir(s.root).catch(() => [] as string[])) {
    if (f !== 'lock') await rm(join(s.root, f), { recursive: true, force: true });
  }
  await rm(s.lock, { force: true });
  await removeEmptyDir(s.root);
  await removeEmptyDir(join(s.root, '..'));
}

export async function removeEmptyDir(dir: string): Promise<void> {
  try {
    await rmdir(dir);
  } catch {
    // Not empty (another pull's staging, a new lock), or gone: either is fine.
  }
}
