/**
 * What an in-place swap that stopped in the middle left beside the file: its backup of the
 * original, under the one fixed name (backupPathFor). The next job on the file clears it before
 * anything else touches the file (a backup is a second hard link, which would make the file look
 * shared). In some of those states the backup is the only copy of the user's original, so it is
 * deleted only when that provably loses nothing; otherwise it stays, and the job fails saying how
 * to finish by hand.
 */
import { lstat, open } from 'node:fs/promises';
import { existsSync, type Stats } from 'node:fs';
import { basename, dirname } from 'node:path';
import { probeSync, type ProbeResult } from '../../native/lib/index.js';
import { DubarrError } from '../sdk/errors.js';
import { ourDubCount } from './dub-tracks.js';
import { backupPathFor } from './inplace-swap.js';
import { checkResult, resultSourceOf } from './result-check.js';
import { shellQuote } from './shell-quote.js';
import { errno, fsyncDir, nodeSwapFs, unlinkIfPresent, type SwapFs } from './swap-fs.js';

/**
 * Removes the backup an interrupted in-place swap of `original` left, when one of these proves
 * the file in place holds everything the backup does:
 *  (a) the backup is the same inode as the file: a hard link made before the rename (the swap
 *      died before it); the file is the original, untouched.
 *  (b) the file carries no dub track of ours: it is no result of ours, so it is the original,
 *      and the backup a copy of it (a filesystem without hard links), perhaps cut short.
 *  (c) the file carries dub tracks of ours and passes the swap's own verification against the
 *      backup (the backup's audio tracks plus the dubs it lacks; its duration): it is the
 *      result, which the swap verified and fsynced before the one atomic rename put it there
 *      (the swap died after the rename, before removing the backup).
 *  (d) every byte of the backup is in the file: a copy of it, perhaps cut short. This is (b)
 *      for a file that already carried a dub of ours (a second language added later).
 * Anything else keeps the backup and throws E_SWAP_UNRESOLVED, naming both files and how to
 * restore: above all a result that failed its verification after the rename and could not be
 * renamed back (the file in place failed verification; the backup is the original), and a file
 * in place the probe cannot read. Returns what was removed, for the log; nothing when there was
 * no leftover.
 */
export async function clearInterruptedSwap(original: string, fs: SwapFs = nodeSwapFs): Promise<string | undefined> {
  const backup = backupPathFor(original);
  const [b, o] = await Promise.all([lstatIfPresent(backup), lstatIfPresent(original)]);
  if (!b) return undefined;
  if (!o) {
    // Nothing at the original's name (the user removed or renamed it): the backup may be the only copy left.
    throw new DubarrError('E_INPUT_NOT_FOUND', `${original} is missing, and ${backup} is the backup an interrupted in-place swap left; restore the file with: mv ${shellQuote(backup)} ${shellQuote(original)} (or delete the backup)`);
  }
  if (!b.isFile()) throw new DubarrError('E_OUTPUT_EXISTS', `${backup} is in the way of the in-place swap's backup and is not a file dubarr wrote; move it away`);
  const verdict = await judge(original, backup, b, o);
  if ('keep' in verdict) throw unresolved(original, backup, verdict.keep);
  await unlinkIfPresent(fs, backup);
  await fsyncDir(fs, dirname(original));
  return `removed ${backup}, left by an interrupted in-place swap: ${verdict.remove}`;
}

/**
 * The error for a source that cannot be read while an interrupted swap's backup lies beside it:
 * the file is likely that swap's damaged result, and the backup the way back. Undefined when
 * there is no backup (the file is simply unreadable) or `e` is another failure (a cancel).
 */
export function unreadableAfterSwap(original: string, e: unknown): DubarrError | undefined {
  const backup = backupPathFor(original);
  if ((e as { code?: unknown }).code !== 'E_MEDIA_UNREADABLE' || !existsSync(backup)) return undefined;
  return unresolved(original, backup, `${basename(original)} cannot be read as media: ${(e as Error).message}`);
}

async function judge(original: string, backup: string, b: Stats, o: Stats): Promise<{ remove: string } | { keep: string }> {
  const name = basename(original);
  if (b.ino === o.ino && b.dev === o.dev) return { remove: `a hard link to ${name}, the original, untouched` };
  let why: string;
  const inPlace = probe(original);
  if (inPlace instanceof Error) {
    why = `${name} cannot be read as media: ${inPlace.message}`;
  } else if (ourDubCount(inPlace) === 0) {
    return { remove: `a copy of ${name}, which carries no dub of ours and so is the original` };
  } else {
    const before = probe(backup);
    why = before instanceof Error ? `the backup cannot be read as media: ${before.message}` : verifiesAgainst(inPlace, before);
    if (!why) return { remove: `the original, kept until its result was verified; ${name} is that result and passes the same verification against it` };
  }
  if (await bytesContained(backup, b.size, original, o.size)) return { remove: `a copy of ${name} (every byte of it is in ${name})` };
  return { keep: why };
}

/** Why `result` is not `source` plus the dub tracks of ours it lacks; '' when it is. */
function verifiesAgainst(result: ProbeResult, source: ProbeResult): string {
  const added = ourDubCount(result) - ourDubCount(source);
  if (added < 1) return `${basename(result.path)} carries no dub of ours that the backup lacks`;
  try {
    checkResult(result, resultSourceOf(source), added);
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

function probe(path: string): ProbeResult | Error {
  try {
    return probeSync(path);
  } catch (e) {
    return e as Error;
  }
}

/** Whether the `size` bytes of `part` are the first bytes of `whole` (its copy, whole or cut short). */
async function bytesContained(part: string, size: number, whole: string, wholeSize: number): Promise<boolean> {
  if (size > wholeSize) return false;
  const [p, w] = await Promise.all([open(part, 'r'), open(whole, 'r')]);
  try {
    const chunk = 1 << 20;
    const [x, y] = [Buffer.alloc(chunk), Buffer.alloc(chunk)];
    for (let at = 0; at < size; at += chunk) {
      const n = Math.min(chunk, size - at);
      const [r1, r2] = await Promise.all([p.read(x, 0, n, at), w.read(y, 0, n, at)]);
      if (r1.bytesRead !== n || r2.bytesRead !== n || !x.subarray(0, n).equals(y.subarray(0, n))) return false;
    }
    return true;
  } finally {
    await Promise.all([p.close(), w.close()]);
  }
}

function unresolved(original: string, backup: string, why: string): DubarrError {
  const name = basename(original);
  return new DubarrError('E_SWAP_UNRESOLVED', `An in-place swap of ${original} was interrupted, and dubarr cannot prove that the file there now is whole (${why}). `
    + `${backup} is the backup that swap made of the original; both files are kept. `
    + `If ${name} plays to the end with the tracks you expect, delete the backup (rm ${shellQuote(backup)}); `
    + `otherwise put the original back (mv -f ${shellQuote(backup)} ${shellQuote(original)}). Then retry the job.`);
}

async function lstatIfPresent(path: string): Promise<Stats | undefined> {
  return lstat(path).catch((e: unknown) => {
    if (errno(e) === 'ENOENT') return undefined;
    throw e;
  });
}
