/**
 * One pull per model at a time, across processes (a server and a `dubarr models pull`, two
 * terminals): a lock file in the model's staging folder. It is made whole or not at all (written
 * under a temporary name, then hard-linked to `lock`, which fails if one exists), so a reader
 * never sees a half-written lock.
 *
 * A lock whose process is gone (same host, pid not alive) is stale and taken over; on another
 * host (models.dir on a network share) a lock not touched for STALE_MS is. Two waiters may both
 * judge one stale lock stale at once; the loser then pulls into the same files, and the sha256
 * check turns any mix into E_MODEL_CHECKSUM, never into an installed model.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { Staging } from './staging.js';

/** A lock from another host untouched this long belongs to a pull that died. */
export const STALE_MS = 10 * 60_000;

interface Holder { pid: number; host: string; at: string; process: string }

/**
 * This process, among those that ever had its pid: in a container the server is pid 1 again
 * after a restart, and a lock its previous life left must not look like its own.
 */
const PROCESS = randomBytes(8).toString('hex');

export interface PullLock {
  /** Marks the lock as alive (a pull calls it as bytes arrive). */
  touch(): Promise<void>;
  release(): Promise<void>;
}

export interface LockWait {
  signal: AbortSignal;
  pollMs: number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** Called once, when the lock is held by another live pull and this one starts waiting. */
  onWait?(holder: Holder): void;
}

export async function acquirePullLock(s: Staging, w: LockWait): Promise<PullLock> {
  let waited = false;
  for (;;) {
    if (w.signal.aborted) throw new DubarrError('E_CANCELLED', 'The pull was cancelled while another pull of the model was under way');
    await mkdir(s.root, { recursive: true });
    const me: Holder = { pid: process.pid, host: hostname(), at: new Date().toISOString(), process: PROCESS };
    const tmp = `${s.lock}.${randomBytes(4).toString('hex')}`;
    try {
      await writeFile(tmp, JSON.stringify(me));
      await link(tmp, s.lock);
      return {
        touch: async () => { const now = new Date(); await utimes(s.lock, now, now).catch(() => undefined); },
        release: () => rm(s.lock, { force: true }),
      };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ENOENT: the folder was removed by a pull that just finished; make it again.
      if (code !== 'EEXIST' && code !== 'ENOENT') throw e;
    } finally {
      await rm(tmp, { force: true });
    }
    const holder = await readHolder(s.lock);
    if (holder === 'gone') continue;
    if (holder === 'stale') {
      await rm(s.lock, { force: true });
      continue;
    }
    if (!waited) { waited = true; w.onWait?.(holder); }
    await w.sleep(w.pollMs, w.signal);
  }
}

async function readHolder(lock: string): Promise<Holder | 'stale' | 'gone'> {
  let holder: Holder;
  let touched: number;
  try {
    holder = JSON.parse(await readFile(lock, 'utf8')) as Holder;
    touched = (await stat(lock)).mtimeMs;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    return 'stale'; // unreadable: no pull of ours wrote it
  }
  if (holder.host === hostname()) {
    if (holder.pid === process.pid) return holder.process === PROCESS ? holder : 'stale';
    return alive(holder.pid) ? holder : 'stale';
  }
  return Date.now() - touched > STALE_MS ? 'stale' : holder;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}
