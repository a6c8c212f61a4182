import { ERRORS, type Upload } from '@tus/server';
import type { FileStore } from '@tus/file-store';

/**
 * Removes every unfinished upload created more than `maxAgeMs` before `now`, and returns their
 * ids. Finished uploads are kept: a job may still be made from one.
 *
 * Not the library's `deleteExpired()`: that one compares the size with the offset stored at
 * creation (always 0, the file store never updates it), so it removes finished uploads too, and
 * it reads the clock itself, which a test cannot move.
 */
export async function removeExpiredUploads(store: FileStore, o: { now: number; maxAgeMs: number }): Promise<string[]> {
  const ids = (await store.configstore.list?.()) ?? [];
  const removed: string[] = [];
  for (const id of ids) {
    const upload = await currentUpload(store, id);
    if (!upload || !isExpired(upload, o)) continue;
    try {
      await store.remove(id);
      removed.push(id);
    } catch (e) {
      // Removed meanwhile by a DELETE: the same outcome.
      if (e !== ERRORS.FILE_NOT_FOUND) throw e;
    }
  }
  return removed;
}

function isExpired(upload: Upload, o: { now: number; maxAgeMs: number }): boolean {
  if (upload.size !== undefined && upload.offset === upload.size) return false;
  const created = Date.parse(upload.creation_date ?? '');
  return Number.isFinite(created) && o.now - created > o.maxAgeMs;
}

async function currentUpload(store: FileStore, id: string): Promise<Upload | undefined> {
  try {
    return await store.getUpload(id);
  } catch (e) {
    if (e === ERRORS.FILE_NOT_FOUND || e === ERRORS.FILE_NO_LONGER_EXISTS) return undefined;
    throw e;
  }
}
