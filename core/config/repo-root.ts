import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The dubarr checkout (or installed package) this module belongs to. Found by walking up to
 * dubarr's package.json, because the same code runs from core/ (sources) and dist/core/.
 */
export function repoRoot(from: string | URL = import.meta.url): string {
  let dir = dirname(typeof from === 'string' && !from.startsWith('file:') ? from : fileURLToPath(from));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && isDubarrPackage(pkg)) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no dubarr package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

function isDubarrPackage(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'dubarr';
  } catch {
    return false;
  }
}
