/**
 * The file operations an in-place swap makes, as one object: the swap takes it as a parameter
 * so tests can inject faults (a rename that fails, a filesystem without hard links) into the
 * real sequence instead of imitating it.
 */
import { constants } from 'node:fs';
import { copyFile, link, open, rename, unlink } from 'node:fs/promises';

export interface SwapFs {
  link(existing: string, newPath: string): Promise<void>;
  /** Copies `from` to `to`, failing with EEXIST if `to` exists (never overwrites). */
  copyFile(from: string, to: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** fsync of a file or a folder (a folder's fsync makes its new names durable). */
  fsync(path: string): Promise<void>;
}

export const nodeSwapFs: SwapFs = {
  link,
  copyFile: (from, to) => copyFile(from, to, constants.COPYFILE_EXCL),
  rename,
  unlink,
  async fsync(path) {
    const h = await open(path, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  },
};

/** The error's code (`ENOENT`, `EXDEV`, ...), if it has one. */
export const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | null)?.code;

/**
 * Errors of link() that mean "this filesystem (or this file, for us) cannot have another hard
 * link" rather than "this folder cannot be written": FAT and exFAT (EPERM), SMB and some NFS
 * servers (ENOTSUP, EOPNOTSUPP, ENOSYS), Linux's protected_hardlinks on a file we do not own
 * (EPERM), a file at its link limit (EMLINK), overlay and bind-mount corners (EXDEV).
 */
export function linkUnsupported(e: unknown): boolean {
  return ['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK', 'EXDEV'].includes(errno(e) ?? '');
}

/** A folder's fsync; filesystems that cannot sync a folder (some network and FUSE ones) say so with these. */
export async function fsyncDir(fs: SwapFs, dir: string): Promise<void> {
  try {
    await fs.fsync(dir);
  } catch (e) {
    if (!['EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EISDIR', 'EBADF'].includes(errno(e) ?? '')) throw e;
  }
}

/** unlink that counts a file already gone as removed. */
export async function unlinkIfPresent(fs: SwapFs, path: string): Promise<void> {
  try {
    await fs.unlink(path);
  } catch (e) {
    if (errno(e) !== 'ENOENT') throw e;
  }
}
