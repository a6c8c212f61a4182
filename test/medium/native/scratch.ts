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

/**
 * Temporary files still there after the addon's background cleanup had time to run: a failed
 * or cancelled operation returns at once and its hidden temp file is deleted just after. This
 * returns as soon as they are gone (milliseconds); the bound only stops a file that is never
 * deleted from being waited for forever, so it is generous for a loaded machine.
 */
export async function settledLeftovers(dir: string, timeoutMs = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  while (leftovers(dir).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return leftovers(dir);
}
