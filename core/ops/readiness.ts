import { statfs } from 'node:fs/promises';
import type { Runtime } from '../app/runtime.js';

export interface Readiness {
  ready: boolean;
  /** Why not, one line per failed check; empty when ready. */
  reasons: string[];
  checks: { database: boolean; workers: boolean; disk: { ok: boolean; freeBytes?: number; minFreeBytes: number } };
}

const GB = 1e9;

/** Whether this server can take work now: its database answers, its worker pool is open, its data disk has room. */
export async function checkReadiness(rt: Runtime): Promise<Readiness> {
  const reasons: string[] = [];
  let database = true;
  try {
    rt.store.countByStatus();
  } catch (e) {
    database = false;
    reasons.push(`database: ${(e as Error).message}`);
  }
  const workers = rt.pool.isOpen;
  if (!workers) reasons.push('workers: the worker pool is closed (the server is shutting down)');
  const minFreeBytes = rt.config.server.readyMinFreeDiskGb * GB;
  let freeBytes: number | undefined;
  try {
    const fs = await statfs(rt.config.dataDir);
    freeBytes = fs.bavail * fs.bsize;
  } catch (e) {
    reasons.push(`disk: cannot read free space of the data folder: ${(e as Error).message}`);
  }
  const diskOk = freeBytes !== undefined && freeBytes >= minFreeBytes;
  if (freeBytes !== undefined && !diskOk) {
    reasons.push(`disk: ${(freeBytes / GB).toFixed(2)} GB free in the data folder, under server.readyMinFreeDiskGb (${rt.config.server.readyMinFreeDiskGb} GB): free some space or lower cache.maxSizeGb`);
  }
  return {
    ready: reasons.length === 0,
    reasons,
    checks: { database, workers, disk: { ok: diskOk, freeBytes, minFreeBytes } },
  };
}
