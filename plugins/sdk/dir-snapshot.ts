/**
 * What a stage run did to the file system outside its work dir, for the contract suite: a
 * private temp dir for the run, snapshots of it and of the user's folders before and after,
 * and the differences.
 */
import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, isAbsolute } from 'node:path';

/** Every path under the given dirs: 'dir', or a file's size and mtime (so a rewrite shows). */
export type Snapshot = Map<string, string>;

export async function snapshot(dirs: readonly string[]): Promise<Snapshot> {
  const out: Snapshot = new Map();
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        out.set(p, 'dir');
        await walk(p);
      } else {
        const st = await lstat(p).catch(() => undefined);
        if (st) out.set(p, `${st.size}:${st.mtimeMs}`);
      }
    }
  };
  for (const d of dirs) await walk(d);
  return out;
}

export const isInside = (dir: string, path: string): boolean => {
  const r = relative(dir, path);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

/** 'new <path>', 'changed <path>', 'removed <path>' for every path `allowed` does not accept. */
export function differences(before: Snapshot, after: Snapshot, allowed: (path: string) => boolean = () => false): string[] {
  const out: string[] = [];
  for (const [p, v] of after) {
    if (allowed(p)) continue;
    const was = before.get(p);
    if (was === undefined) out.push(`new ${p}`);
    else if (was !== v) out.push(`changed ${p}`);
  }
  for (const p of before.keys()) if (!after.has(p) && !allowed(p)) out.push(`removed ${p}`);
  return out.sort();
}

/**
 * The native addon writes outputs under a hidden temp name (.name.dubarr-XXXXXX.part) and
 * deletes abandoned ones on a background thread just after a failed or cancelled call returns.
 */
const ADDON_TEMP = /\/\.[^/]*\.dubarr-[^/]*\.part$/;

/**
 * The differences once the addon's background deletions are done: while the only extra
 * entries are its abandoned temp files, look again (they go within milliseconds; the bound
 * is only there so a file that is never deleted is reported rather than waited for forever).
 */
export async function settledDifferences(dirs: readonly string[], before: Snapshot, allowed?: (path: string) => boolean): Promise<string[]> {
  for (let tries = 0; ; tries++) {
    const diff = differences(before, await snapshot(dirs), allowed);
    if (tries >= 1500 || !diff.some((d) => d.startsWith('new ') && ADDON_TEMP.test(d))) return diff;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Runs `fn` with os.tmpdir() (TMPDIR, which child processes inherit) pointing at a new empty
 * dir, so everything the run puts in "the temp dir" lands there and is seen, whatever other
 * tests and processes do in the real one. Restored and removed afterwards.
 */
export async function withPrivateTmpdir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-contract-'));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    return await fn(dir);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    await rm(dir, { recursive: true, force: true });
  }
}
