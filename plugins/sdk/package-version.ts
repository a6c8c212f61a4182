/**
 * The installed version of an npm package, found from a module it resolves to. Many packages
 * do not export their package.json, and where the entry module sits inside the package is
 * theirs to change: walk up from the entry to the package.json that names the package (a
 * nested one, such as a folder's { "type": "module" }, is passed over).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `entry`: a file: URL the package resolves to, e.g. import.meta.resolve('eld/small'). */
export function packageVersion(name: string, entry: string): string {
  const start = dirname(fileURLToPath(entry));
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = readPackageJson(join(dir, 'package.json'));
    if (pkg?.name === name && typeof pkg.version === 'string') return pkg.version;
    if (dirname(dir) === dir) throw new Error(`no package.json of '${name}' above ${start}`);
  }
}

function readPackageJson(path: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}
