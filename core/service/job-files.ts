/**
 * What deleting a job removes from disk: only what belongs to the job alone.
 *  - Its work dir (<cache.dir>/.work/<id>): scratch space, present while it runs and after a
 *    failure when jobs.keepWorkDirOnFailure is set.
 *  - Files it delivered into a folder dubarr alone owns (`ownedRoots`: the uploads folder, where
 *    a job on an uploaded file writes its results), as recorded when it succeeded, if they are
 *    still those very files (same size and mtime: not replaced since) and not the job's input.
 * Never removed: the input (the user's original, or an upload, which the uploads module
 * expires), anything the job delivered into the user's library (a dubbed copy, sidecars, an
 * in-place result: the user owns those now; a media server may already list them), and
 * stage-cache entries, which other jobs share; once no job refers to them the cache's LRU
 * pruning removes them.
 */
import { realpathSync } from 'node:fs';
import { lstat, rm, unlink } from 'node:fs/promises';
import { join, relative, isAbsolute, resolve } from 'node:path';
import type { DeliveredFile } from '../jobs/delivered-files.js';

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** The path with symlinks resolved (a link in the library to a file under the uploads folder is still the library's). */
function real(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

export interface OwnFiles { workDir: string; outputs: string[] }

/** What of a deleted job's files are its own (see above); call before the job's records are deleted. */
export async function ownFiles(o: { id: string; input: string; workRoot: string; ownedRoots: readonly string[]; delivered: readonly DeliveredFile[] }): Promise<OwnFiles> {
  const roots = o.ownedRoots.map((r) => real(r) ?? resolve(r));
  const input = real(o.input) ?? o.input;
  const outputs: string[] = [];
  for (const f of o.delivered) {
    // lstat: a symlink put in its place is not the file the job wrote.
    const st = await lstat(f.path).catch(() => undefined);
    if (!st?.isFile() || st.size !== f.sizeBytes || st.mtimeMs !== f.mtimeMs) continue;
    const path = real(f.path);
    if (path && path !== input && roots.some((r) => inside(r, path))) outputs.push(path);
  }
  return { workDir: join(o.workRoot, o.id), outputs };
}

export async function removeOwnFiles(f: OwnFiles): Promise<string[]> {
  await rm(f.workDir, { recursive: true, force: true });
  const removed: string[] = [];
  for (const p of f.outputs) {
    await unlink(p).then(() => removed.push(p), (e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') throw e; });
  }
  return removed;
}
