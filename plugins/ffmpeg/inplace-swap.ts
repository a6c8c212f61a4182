/**
 * In-place mode: the user's file is replaced, never lost. The new file is written beside it
 * under a temporary name and verified; the original is kept as a hard-linked backup until the
 * replacement (one atomic rename) has been verified at its final path.
 */
import { link, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { DubarrError } from '../sdk/errors.js';

export interface SwapOptions {
  /** Replace a file that has other hard links (they keep pointing at the old content). */
  forceHardlinked: boolean;
  /** Checks a written file; throws if it is not what was meant. */
  verify(path: string): void;
}

/** A temporary output path in the same folder (so the final rename is atomic). */
export function tempPathFor(original: string): string {
  return join(dirname(original), `.${basename(original, extname(original))}.dubarr-tmp${extname(original)}`);
}

export async function assertSwappable(original: string, force: boolean): Promise<void> {
  const st = await stat(original);
  if (st.nlink > 1 && !force) {
    throw new DubarrError('E_FILE_HARDLINKED', `${original} has ${st.nlink} hard links (a download client or another library may share it); replacing it in place would split them. Use mux mode, or set pipeline.forceInplaceHardlinked.`);
  }
}

/**
 * Puts `written` (a verified temp file) in place of `original`. `written` may have another
 * extension (the container had to change); then the original's name is freed after the swap.
 * Returns the final path.
 */
export async function swapInPlace(original: string, written: string, o: SwapOptions): Promise<string> {
  const finalPath = join(dirname(original), basename(original, extname(original)) + extname(written));
  const backup = `${original}.dubarr-bak`;
  o.verify(written);
  await rm(backup, { force: true });
  await link(original, backup);
  try {
    await rename(written, finalPath);
    o.verify(finalPath);
  } catch (e) {
    // Put the original back exactly as it was.
    await rename(backup, original).catch(() => undefined);
    if (finalPath !== original) await rm(finalPath, { force: true });
    throw e instanceof DubarrError ? e : new DubarrError('E_OUTPUT_WRITE', `Replacing ${original} failed; the original is untouched: ${(e as Error).message}`, { cause: e });
  }
  if (finalPath !== original) await rm(original, { force: true });
  await rm(backup, { force: true });
  return finalPath;
}
