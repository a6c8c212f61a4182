import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (or installed package) root, found from here whether running from core/ or dist/core/. */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'dubarr') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the dubarr package root');
    dir = up;
  }
})();

export const packageVersion: string = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** Compiled code lives in dist/ mirroring the source tree. */
export const distRoot = join(packageRoot, 'dist');
