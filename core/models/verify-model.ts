/** Re-hashes an installed model's files against its manifest: what `dubarr models verify` reports. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelEntry } from '../../plugins/sdk/models.js';

export interface FileCheck {
  path: string;
  ok: boolean;
  /** What is wrong: missing, another size, another sha256. */
  problem?: string;
}

export async function verifyFiles(dir: string, entry: ModelEntry): Promise<FileCheck[]> {
  const checks: FileCheck[] = [];
  for (const f of entry.files) {
    const path = join(dir, f.path);
    const size = (await stat(path).catch(() => undefined))?.size;
    if (size === undefined) { checks.push({ path: f.path, ok: false, problem: 'missing' }); continue; }
    if (size !== f.size) { checks.push({ path: f.path, ok: false, problem: `${size} bytes, the manifest says ${f.size}` }); continue; }
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    const got = hash.digest('hex');
    checks.push(got === f.sha256 ? { path: f.path, ok: true } : { path: f.path, ok: false, problem: `sha256 ${got}, the manifest says ${f.sha256}` });
  }
  return checks;
}
