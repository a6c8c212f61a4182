import { existsSync } from 'node:fs';
import { basename, dirname, extname, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { isDubarrOutput } from '../../plugins/sdk/sidecar-name.js';

/** A folder holding this file is skipped with everything below it. */
export const IGNORE_MARKER = '.dubarrignore';

/**
 * Names of files still being written: download clients and browsers write to these and rename
 * the file when it is complete (`.part`: Firefox, wget, Transmission, rsync's partial dirs;
 * `.!qB`: qBittorrent; `.crdownload`: Chrome; `.partial`/`.partial~`: curl, some *arr tools).
 */
const IN_PROGRESS = [/\.part$/i, /\.tmp$/i, /\.partial/i, /\.!qb$/i, /\.crdownload$/i];

/** A name nothing in a library is made of: hidden files and folders, downloads in progress, dubarr's own outputs and temporaries. */
export function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || IN_PROGRESS.some((re) => re.test(name)) || isDubarrOutput(name);
}

export interface FilterSettings {
  /** File extensions that count as media (watch.extensions). */
  extensions: readonly string[];
  /** Globs relative to `root` (watch.folders[].include / exclude). */
  include: readonly string[];
  exclude: readonly string[];
}

/**
 * Which files of a folder are media to look at: a media extension, no ignored name on the way
 * down from the root, inside the include globs when there are any, outside every exclude glob.
 */
export class LibraryFilter {
  private readonly exts: Set<string>;
  private readonly included: ((p: string) => boolean) | undefined;
  private readonly excluded: ((p: string) => boolean) | undefined;

  constructor(readonly root: string, s: FilterSettings) {
    this.exts = new Set(s.extensions.map((e) => `.${e.toLowerCase().replace(/^\./, '')}`));
    this.included = s.include.length ? picomatch([...s.include]) : undefined;
    this.excluded = s.exclude.length ? picomatch([...s.exclude]) : undefined;
  }

  /** For chokidar, per entry as it walks down: never descend into or report such a path (the root itself is never ignored). */
  ignoresPath(path: string): boolean {
    return path !== this.root && isIgnoredName(basename(path)) && basename(path) !== IGNORE_MARKER;
  }

  /** Whether this path below the root is a media file to look at (by its name; markers are IgnoreMarkers' business). */
  isCandidate(path: string): boolean {
    const rel = relative(this.root, path);
    if (!rel || rel.startsWith('..') || !this.exts.has(extname(path).toLowerCase())) return false;
    const parts = rel.split(sep);
    if (parts.some(isIgnoredName)) return false;
    const posix = parts.join('/');
    if (this.included && !this.included(posix)) return false;
    return !this.excluded?.(posix);
  }
}

/**
 * Which folders below a root hold a .dubarrignore (they and everything below them are skipped),
 * remembered per folder: a file event costs a map lookup per folder level, not a stat.
 */
export class IgnoreMarkers {
  private readonly known = new Map<string, boolean>();

  constructor(readonly root: string) {}

  /** Whether a folder from the file's own up to the root holds the marker. */
  covers(path: string): boolean {
    for (let dir = dirname(path); ; dir = dirname(dir)) {
      if (this.holds(dir)) return true;
      if (dir === this.root || dir === dirname(dir) || !dir.startsWith(this.root)) return false;
    }
  }

  /** A marker appeared in or vanished from `dir`. */
  invalidate(dir: string): void { this.known.delete(dir); }

  /** Forget everything (a rescan looks again). */
  clear(): void { this.known.clear(); }

  private holds(dir: string): boolean {
    let v = this.known.get(dir);
    if (v === undefined) this.known.set(dir, (v = existsSync(`${dir}/${IGNORE_MARKER}`)));
    return v;
  }
}
