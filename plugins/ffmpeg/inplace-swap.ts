/**
 * In-place mode: the user's file is replaced, never lost. The new file is written beside it
 * under a temporary name, verified and fsynced; the original is kept as a backup (a hard link,
 * or a copy where the filesystem has no hard links) until the replacement, one atomic rename,
 * has been verified at its final path. Every step that changes the folder is undone, in
 * reverse, when a later one fails, so the original is either intact or fully replaced, and
 * nothing of ours is left behind, unless an undo fails too: then the error says where the
 * original is. A crash (no undo runs) can leave the temporary file, which the job's re-run
 * writes again under the same name, and the backup, under a fixed name that the re-run judges
 * before it touches the file (interrupted-swap.ts: removed only when that loses nothing).
 */
import { chmod, chown, lstat, stat, utimes } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { DubarrError, type ErrorCode } from '../sdk/errors.js';
import { shellQuote } from './shell-quote.js';
import { errno, fsyncDir, linkUnsupported, nodeSwapFs, unlinkIfPresent, type SwapFs } from './swap-fs.js';

export interface SwapOptions {
  /** Replace a file that has other hard links (they keep pointing at the old content). */
  forceHardlinked: boolean;
  /** Checks a written file; throws if it is not what was meant. */
  verify(path: string): void;
  /**
   * For a swap to a new name that finds a file there: why that file is not this swap's result
   * (one an earlier run of the job placed before it died), or undefined when it is. Without it,
   * any file there stops the swap.
   */
  whyNotEarlierResult?(path: string): string | undefined;
  /** The file operations; tests pass a copy with injected faults. */
  fs?: SwapFs;
}

export interface SwapResult {
  /** The final path (the original's, or its name with the new container's extension). */
  path: string;
  /** How the original was kept during the swap: 'link', 'copy', or 'none' (a new name; it was never at risk). */
  backup: 'link' | 'copy' | 'none';
  /** For the log: clean-up after a complete swap that did not work (a leftover backup), or an earlier run's swap finished; the swap itself stands. */
  warnings: string[];
}

/** A temporary output path in the same folder (so the final rename is atomic). */
export function tempPathFor(original: string): string {
  return join(dirname(original), `.${basename(original, extname(original))}.dubarr-tmp${extname(original)}`);
}

/**
 * The one name the original's backup ever has during a swap: hidden (media servers do not list
 * it) and fixed, so the next swap of the same file finds what a crash left behind.
 */
export function backupPathFor(original: string): string {
  return join(dirname(original), `.${basename(original)}.dubarr-bak`);
}

export async function assertSwappable(original: string, force: boolean): Promise<void> {
  const st = await stat(original);
  if (st.nlink > 1 && !force) {
    throw new DubarrError('E_FILE_HARDLINKED', `${original} has ${st.nlink} hard links (a download client or another library may share it); replacing it in place would split them. Use mux mode, or set pipeline.forceInplaceHardlinked.`);
  }
}

interface UndoStep {
  what: string;
  undo: () => Promise<void>;
  /** What the user is left with when this undo fails. */
  ifFailed: string;
  /** Said when it succeeds; a step with one changed the original's name, so the rest depends on it. */
  ifUndone?: string;
}

/** Steps already taken, each with its undo; undone newest first when a later step fails. */
class Undo {
  private readonly steps: UndoStep[] = [];

  push(step: UndoStep): void { this.steps.push(step); }

  drop(what: string): void {
    const i = this.steps.findIndex((s) => s.what === what);
    if (i >= 0) this.steps.splice(i, 1);
  }

  /**
   * Undoes what it can and says where that leaves the user. A failed undo of a step that moved
   * the original stops there: the steps before it (removing the backup) must not run then.
   */
  async run(): Promise<string> {
    const notes: string[] = [];
    let originalMoved = false;
    while (this.steps.length > 0) {
      const s = this.steps.pop()!;
      originalMoved ||= s.ifUndone !== undefined;
      try {
        await s.undo();
        if (s.ifUndone) notes.push(s.ifUndone);
      } catch (e) {
        notes.push(`${s.ifFailed} (${(e as Error).message})`);
        if (s.ifUndone) break;
      }
    }
    return [...(originalMoved ? [] : ['the original is unchanged']), ...notes].join('; ');
  }
}

/**
 * Puts `written` (a temp file beside `original`) in place of `original`. `written` may have
 * another extension (the container had to change): the result then takes the original's name
 * with that extension, which must not exist yet (a file we did not write is never replaced),
 * and the original is removed once the result is in place and verified.
 *
 * The caller has cleared what an interrupted swap of the same file left (clearInterruptedSwap),
 * before checking the file's hard links (a leftover backup is a second one). The swap itself
 * never removes a backup it did not make: finding the backup's name taken, it stops with the
 * original unchanged (another swap of the file is under way: dubarr runs one job per file at a
 * time, but a second dubarr with another database would not know).
 */
export async function swapInPlace(original: string, written: string, o: SwapOptions): Promise<SwapResult> {
  const fs = o.fs ?? nodeSwapFs;
  const finalPath = join(dirname(original), basename(original, extname(original)) + extname(written));
  const undo = new Undo();
  undo.push({ what: 'temp', undo: () => unlinkIfPresent(fs, written), ifFailed: `the temporary file ${written} is left: delete it` });
  try {
    o.verify(written);
    await adoptOwnership(written, original);
    await fs.fsync(written);
    return finalPath === original
      ? await replaceSameName(fs, original, written, o.verify, undo)
      : await replaceUnderNewName(fs, original, written, finalPath, o, undo);
  } catch (e) {
    const outcome = await undo.run();
    const err = DubarrError.from(e);
    const code: ErrorCode = e instanceof DubarrError || err.code !== 'E_INTERNAL' ? err.code : 'E_OUTPUT_WRITE';
    throw new DubarrError(code, `Replacing ${original} failed: ${err.message}; ${outcome}`, { cause: e });
  }
}

/** Backup, fsync, one atomic rename over the original, fsync, verify; the backup is the way back until then. */
async function replaceSameName(fs: SwapFs, original: string, written: string, verify: (p: string) => void, undo: Undo): Promise<SwapResult> {
  const dir = dirname(original);
  const backup = await keepBackup(fs, original, undo);
  await fsyncDir(fs, dir);
  await fs.rename(written, original);
  undo.drop('temp');
  undo.push({
    what: 'replace',
    undo: async () => {
      await fs.rename(backup.path, original);
      await fsyncDir(fs, dir).catch(() => undefined); // the original is back; durability on a failing disk is best effort
    },
    ifUndone: 'the original is back in place from its backup',
    ifFailed: `the original could not be put back: its content is in ${backup.path} and ${original} holds the result that failed verification; put the original back with: mv -f ${shellQuote(backup.path)} ${shellQuote(original)}`,
  });
  await fsyncDir(fs, dir);
  verify(original);
  return { path: original, backup: backup.kind, warnings: await removeQuietly(fs, backup.path, dir, 'backup of the original') };
}

/**
 * The result under its new name (never replacing a file), fsync, verify; only then is the
 * original removed.
 *
 * A file already at the new name may be this very swap's result, placed by an earlier run of
 * the job that died before it removed the original (the re-run remuxes the original again and
 * arrives here). When it carries our dub track in every language this job adds, the original's
 * audio tracks besides, and the original's duration (whyNotEarlierResult: the check the swap
 * makes of its own result before it removes the original), it is that result, or one the swap
 * would accept in its place; the one step the earlier run did not take is removing the
 * original, so this run takes it. The file there is kept rather than replaced by the new one
 * (both pass the same check, and keeping it replaces nothing); the new one is removed. It is
 * fsynced, with the folder, before the original goes, since this run cannot know whether the
 * earlier one got that far. A file that is not such a result stops the swap (E_OUTPUT_EXISTS),
 * saying what it is.
 */
async function replaceUnderNewName(fs: SwapFs, original: string, written: string, finalPath: string, o: SwapOptions, undo: Undo): Promise<SwapResult> {
  const dir = dirname(original);
  const warnings: string[] = [];
  const placed = await placeWithoutReplacing(fs, written, finalPath, undo, o.whyNotEarlierResult);
  if (placed === 'earlier result') {
    await fs.unlink(written);
    undo.drop('temp');
    await fs.fsync(finalPath);
    warnings.push(`${finalPath} is this job's result from an earlier run that stopped before removing ${basename(original)}; that swap is finished now`);
  }
  await fsyncDir(fs, dir);
  o.verify(finalPath);
  await fs.unlink(original);
  await fsyncDir(fs, dir).catch((e: unknown) => warnings.push(`removing ${original} may not be durable yet: ${(e as Error).message}`));
  return { path: finalPath, backup: 'none', warnings };
}

/**
 * A second name for the original until the swap is verified: a hard link (instant), or where
 * the filesystem has none a copy, fsynced. Its name is fixed (backupPathFor) and the caller
 * cleared it; neither link() nor the copy replaces a file, so if another process took the name
 * since, the swap stops there.
 */
async function keepBackup(fs: SwapFs, original: string, undo: Undo): Promise<{ path: string; kind: 'link' | 'copy' }> {
  const path = backupPathFor(original);
  const taken = (e: unknown) => new DubarrError('E_OUTPUT_EXISTS', `${path} appeared after the job cleared it: another in-place swap of ${basename(original)} is under way (a second dubarr on another database?); dubarr leaves it alone`, { cause: e });
  try {
    await fs.link(original, path);
    undo.push({ what: 'backup', undo: () => unlinkIfPresent(fs, path), ifFailed: `the backup link ${path} is left: delete it` });
    return { path, kind: 'link' };
  } catch (e) {
    if (errno(e) === 'EEXIST') throw taken(e);
    if (!linkUnsupported(e)) throw e;
  }
  try {
    await fs.copyFile(original, path);
  } catch (e) {
    // A copy that failed half way (disk full) is ours to remove; one that found the name taken is not.
    if (errno(e) === 'EEXIST') throw taken(e);
    undo.push({ what: 'backup', undo: () => unlinkIfPresent(fs, path), ifFailed: `the partial backup ${path} is left: delete it` });
    throw e;
  }
  undo.push({ what: 'backup', undo: () => unlinkIfPresent(fs, path), ifFailed: `the backup copy ${path} is left: delete it` });
  await adoptOwnership(path, original, true);
  await fs.fsync(path);
  return { path, kind: 'copy' };
}

/**
 * Moves `from` to `to` only if `to` does not exist. link() fails with EEXIST atomically; where
 * there are no hard links, a check then rename() (a race with another program creating that
 * very name in between is the one case left). A file at `to` that is an earlier run's result
 * (see replaceUnderNewName) is left there, `from` too, and said so.
 */
async function placeWithoutReplacing(
  fs: SwapFs, from: string, to: string, undo: Undo, whyNotEarlierResult?: (path: string) => string | undefined,
): Promise<'placed' | 'earlier result'> {
  const existing = (): 'earlier result' => {
    const why = whyNotEarlierResult ? whyNotEarlierResult(to) : 'dubarr did not write it';
    if (why === undefined) return 'earlier result';
    throw new DubarrError('E_OUTPUT_EXISTS', `${to} already exists and ${why}; the result would replace it`);
  };
  let linked = false;
  try {
    await fs.link(from, to);
    linked = true;
  } catch (e) {
    if (errno(e) === 'EEXIST') return existing();
    if (!linkUnsupported(e)) throw e;
  }
  if (linked) {
    undo.push({ what: 'result', undo: () => unlinkIfPresent(fs, to), ifFailed: `the unverified result ${to} is left: delete it` });
    await fs.unlink(from);
    return 'placed';
  }
  if (await lstat(to).then(() => true, (e: unknown) => errno(e) !== 'ENOENT')) return existing();
  await fs.rename(from, to);
  undo.push({ what: 'result', undo: () => unlinkIfPresent(fs, to), ifFailed: `the unverified result ${to} is left: delete it` });
  return 'placed';
}

/**
 * The result keeps the original's permissions (and owner and times for a backup copy, which
 * may become the original again), so a library shared with a media server's user stays readable
 * by it. Changing the owner needs privileges dubarr may not have; then it stays ours.
 */
async function adoptOwnership(path: string, like: string, times = false): Promise<void> {
  const st = await stat(like);
  await chmod(path, st.mode & 0o7777);
  await chown(path, st.uid, st.gid).catch((e: unknown) => { if (errno(e) !== 'EPERM') throw e; });
  if (times) await utimes(path, st.atime, st.mtime);
}

async function removeQuietly(fs: SwapFs, path: string, dir: string, what: string): Promise<string[]> {
  try {
    await unlinkIfPresent(fs, path);
    await fsyncDir(fs, dir);
    return [];
  } catch (e) {
    return [`could not remove the ${what} ${path}: ${(e as Error).message}; delete it by hand`];
  }
}
