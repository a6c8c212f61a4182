/** A temp folder per test file, removed at exit. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function scratchDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `dubarr-${name}-`));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Temporary files an operation left behind (there must be none). */
export function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.includes('.dubarr-'));
}
