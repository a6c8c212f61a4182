/**
 * Paths between programs that see one library under different names: Sonarr in its container
 * writes /tv/Show/S01E01.mkv, a NAS's Windows share D:\Media\tv\..., dubarr /media/tv/....
 * A map is a list of { from: theirs, to: ours }; the longest matching prefix wins, whole path
 * segments only (/media does not match /media2). A path no entry matches is used as it is.
 */

export interface PathMapEntry { readonly from: string; readonly to: string }

/** C:\... or C:/..., and \\server\share: compared without case, with either slash. */
const WINDOWS = /^(?:[A-Za-z]:[\\/]|\\\\)/;

const isWindows = (p: string) => WINDOWS.test(p);
/** One spelling for comparing: forward slashes, no trailing slash; Windows paths in lower case. */
function key(p: string): string {
  const windows = isWindows(p);
  const slashed = windows ? p.replaceAll('\\', '/') : p;
  const trimmed = slashed.length > 1 ? slashed.replace(/\/+$/, '') : slashed;
  return windows ? trimmed.toLowerCase() : trimmed;
}

/** The rest of `path` after `prefix` ('' for the prefix itself, '/x/y' below it), or undefined when it is not below it. */
function below(path: string, prefix: string): string | undefined {
  const p = key(path);
  const k = key(prefix);
  if (p === k) return '';
  if (!p.startsWith(k === '/' ? '/' : `${k}/`)) return undefined;
  // The rest as written in `path`, from the same offset (key() keeps lengths for these paths).
  const rest = (isWindows(path) ? path.replaceAll('\\', '/') : path).slice(k === '/' ? 0 : k.length);
  return rest;
}

/** Joins a rest ('/a/b') to a base, in the base's own style (backslashes for a Windows base). */
function join(base: string, rest: string): string {
  const b = base.length > 1 ? base.replace(/[\\/]+$/, '') : base;
  if (rest === '') return b;
  if (isWindows(b)) return `${b}${rest.replaceAll('/', '\\')}`;
  return b === '/' ? rest : `${b}${rest}`;
}

function longest(map: readonly PathMapEntry[], side: 'from' | 'to', path: string): { entry: PathMapEntry; rest: string } | undefined {
  let best: { entry: PathMapEntry; rest: string } | undefined;
  for (const entry of map) {
    const rest = below(path, entry[side]);
    if (rest !== undefined && (!best || key(entry[side]).length > key(best.entry[side]).length)) best = { entry, rest };
  }
  return best;
}

/** Their path as ours; `matched` says whether an entry applied. */
export function toOurs(path: string, map: readonly PathMapEntry[]): { path: string; matched: boolean } {
  const hit = longest(map, 'from', path);
  return hit ? { path: join(hit.entry.to, hit.rest), matched: true } : { path, matched: false };
}

/** Our path as theirs (the other way: for telling a media server which file changed). */
export function toTheirs(path: string, map: readonly PathMapEntry[]): { path: string; matched: boolean } {
  const hit = longest(map, 'to', path);
  return hit ? { path: join(hit.entry.from, hit.rest), matched: true } : { path, matched: false };
}

/** Whether `path` is `folder` or lies below it (in the folder's style: a Windows folder compares without case). */
export function isInside(path: string, folder: string): boolean {
  return below(path, folder) !== undefined;
}

/** Joins a folder and a relative path as the sender wrote them (Sonarr's series.path + episodeFile.relativePath). */
export function joinSenderPath(folder: string, relative: string): string {
  const rest = relative.replace(/^[\\/]+/, '');
  const sep = isWindows(folder) ? '\\' : '/';
  return `${folder.replace(/[\\/]+$/, '')}${sep}${isWindows(folder) ? rest.replaceAll('/', '\\') : rest}`;
}

/** The folder holding a file, in the path's own style (a Windows path keeps its backslashes). */
export function parentFolder(path: string): string {
  const cut = path.replace(/[\\/]+$/, '').replace(/[\\/][^\\/]*$/, '');
  return cut === '' ? path.slice(0, 1) : /^[A-Za-z]:$/.test(cut) ? `${cut}\\` : cut;
}
