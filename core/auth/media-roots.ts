import { realpath } from 'node:fs/promises';
import { isAbsolute, sep } from 'node:path';
import { DubarrError } from '../../plugins/sdk/errors.js';

/**
 * The real path of a file an API client named, if it lies inside one of `roots` or the uploads
 * folder; otherwise E_PATH_NOT_ALLOWED. The check is on the path after every symlink is
 * followed (a link inside a root that points out of it is refused) and against the roots' own
 * real paths (a root may itself be a link, e.g. /media -> /mnt/disk1). A path with a '..'
 * segment is refused even when it would land inside: a client has no reason to send one, and
 * refusing it keeps the rule easy to state. A missing file is E_INPUT_NOT_FOUND, but only
 * after the textual checks, so probing outside the roots learns nothing.
 */
export async function resolveInsideRoots(path: string, roots: readonly string[], uploadsDir: string): Promise<string> {
  if (path.includes('\0')) throw notAllowed(path, 'contains a NUL byte');
  if (!isAbsolute(path)) throw notAllowed(path, 'is not absolute');
  if (path.split(/[\\/]/).includes('..')) throw notAllowed(path, "contains a '..' segment");
  const allowed = (await Promise.all([...roots, uploadsDir].map(realRoot))).filter((r): r is string => r !== undefined);
  let real: string;
  try {
    real = await realpath(path);
  } catch (e) {
    // Only a path that would be inside a root (before links) learns that its file is missing.
    if (![...roots, uploadsDir, ...allowed].some((r) => inside(path, r))) throw notAllowed(path, 'is outside server.mediaRoots and the uploads folder');
    throw new DubarrError('E_INPUT_NOT_FOUND', `No file at ${path}`, { cause: e });
  }
  if (!allowed.some((r) => inside(real, r))) {
    throw notAllowed(path, real === path ? 'is outside server.mediaRoots and the uploads folder' : 'leads (through a symlink) outside server.mediaRoots and the uploads folder');
  }
  return real;
}

async function realRoot(root: string): Promise<string | undefined> {
  // A root that does not exist (an unmounted drive) holds nothing, rather than failing every request.
  return realpath(root).catch(() => undefined);
}

function inside(p: string, root: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

function notAllowed(path: string, why: string): DubarrError {
  return new DubarrError('E_PATH_NOT_ALLOWED', `The path ${JSON.stringify(path)} ${why}`);
}
