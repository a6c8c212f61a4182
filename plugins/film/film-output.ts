/**
 * Where the film goes and how it gets there: `<script name>.mp4` beside the script (or in the
 * job's outDir), written under a temporary name and renamed into place, so a reader never sees
 * half a file. An existing file of that name is replaced only when dubarr made it (its comment
 * says so): anything else there is the user's, and the job fails rather than touch it.
 */
import { existsSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { probe } from '../../native/lib/index.js';
import { DubarrError } from '../sdk/index.js';

export const MADE_BY = 'made by dubarr from the script';

export function filmPath(source: string, outDir?: string): string {
  const path = join(outDir || dirname(source), `${basename(source, extname(source))}.mp4`);
  // A recording that is itself an MP4 is never the name of what is made from it.
  return path === source ? join(outDir || dirname(source), `${basename(source, extname(source))} - video.mp4`) : path;
}

export async function assertReplaceable(path: string): Promise<void> {
  if (!existsSync(path)) return;
  const tags = await probe(path).then((p) => p.tags).catch(() => ({} as Record<string, string>));
  const comment = Object.entries(tags).find(([k]) => k.toLowerCase() === 'comment')?.[1] ?? '';
  if (!comment.startsWith(MADE_BY)) {
    throw new DubarrError('E_OUTPUT_EXISTS', `${path} already exists and dubarr did not make it; move or rename it (or choose another output folder with --out), then retry the job`);
  }
}

/** Runs `write(tmp)`, then renames tmp over `path`; the temporary file never outlives a failure. */
export async function writeInPlace(path: string, write: (tmp: string) => Promise<void>): Promise<void> {
  // Ends in .part: a name watch folders pass over.
  const tmp = join(dirname(path), `.${basename(path)}.dubarr.part`);
  try {
    await write(tmp);
    // On disk before it takes the name: a crash after the rename never leaves an empty film.
    const f = await open(tmp, 'r+');
    try { await f.sync(); } finally { await f.close(); }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    if (e instanceof DubarrError) throw e;
    throw new DubarrError('E_OUTPUT_WRITE', `Cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
}
