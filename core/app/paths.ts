import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../config/repo-root.js';

/** The repository (or installed package) root, whether running from core/ or dist/core/. */
export const packageRoot: string = repoRoot(import.meta.url);

export const packageVersion: string = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** Compiled code lives in dist/ mirroring the source tree. */
export const distRoot = join(packageRoot, 'dist');
