import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { IGNORE_MARKER, isIgnoredName, type LibraryFilter } from './library-filter.js';

/**
 * The media files below `start` (a folder, or one file) that `filter` looks at, folder by
 * folder, without descending into hidden folders or folders holding a .dubarrignore (nor
 * anything when one sits between `filter.root` and `start`). Names only: the caller stats what
 * it decides about. A folder reached twice (a symlink loop) is walked once; an unreadable one is
 * skipped (`onError` hears of it) and the walk goes on.
 */
export async function* walkLibrary(start: string, filter: LibraryFilter, onError?: (dir: string, e: Error) => void): AsyncGenerator<string> {
  if (markedBetween(filter.root, start)) return;
  const st = await stat(start);
  if (!st.isDirectory()) {
    if (filter.isCandidate(start)) yield start;
    return;
  }
  const seen = new Set<string>();
  const dirs = [start];
  for (let dir = dirs.pop(); dir !== undefined; dir = dirs.pop()) {
    let entries;
    try {
      const id = await stat(dir);
      if (seen.has(`${id.dev}:${id.ino}`)) continue;
      seen.add(`${id.dev}:${id.ino}`);
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      onError?.(dir, e as Error);
      continue;
    }
    if (entries.some((e) => e.name === IGNORE_MARKER)) continue;
    const sub: string[] = [];
    for (const e of entries) {
      if (isIgnoredName(e.name)) continue;
      const path = join(dir, e.name);
      // A symlink may lead to a folder or a file; stat (which follows it) says which.
      const kind = e.isSymbolicLink() ? await stat(path).then((s) => (s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other'), () => 'other')
        : e.isDirectory() ? 'dir' : e.isFile() ? 'file' : 'other';
      if (kind === 'dir') sub.push(path);
      else if (kind === 'file' && filter.isCandidate(path)) yield path;
    }
    // Depth first, in name order.
    dirs.push(...sub.sort().reverse());
  }
}

/** A .dubarrignore in a folder from `filter.root` down to (not including) `start`'s own. */
function markedBetween(root: string, start: string): boolean {
  if (relative(root, start).startsWith('..')) return false;
  for (let dir = dirname(start); dir.startsWith(root); dir = dirname(dir)) {
    if (existsSync(join(dir, IGNORE_MARKER))) return true;
    if (dir === root || dir === dirname(dir)) break;
  }
  return false;
}
