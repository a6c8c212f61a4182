import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { distRoot } from '../app/paths.js';

/**
 * Plugin entry modules: every built-in folder of dist/plugins (but the SDK) and every folder
 * of each configured external directory. An external plugin folder holds a compiled index.js,
 * or a package.json whose "main" names its entry.
 */
export function discoverPluginModules(externalDirs: readonly string[]): Array<{ url: string; origin: 'builtin' | 'external'; dir: string }> {
  const found: Array<{ url: string; origin: 'builtin' | 'external'; dir: string }> = [];
  const scan = (root: string, origin: 'builtin' | 'external') => {
    if (!existsSync(root)) return;
    for (const e of readdirSync(root, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name === 'sdk' || e.name.startsWith('.')) continue;
      const dir = join(root, e.name);
      const entry = entryOf(dir);
      if (entry) found.push({ url: pathToFileURL(entry).href, origin, dir });
    }
  };
  scan(join(distRoot, 'plugins'), 'builtin');
  for (const d of externalDirs) scan(resolve(d), 'external');
  return found;
}

function entryOf(dir: string): string | undefined {
  const pkg = join(dir, 'package.json');
  if (existsSync(pkg)) {
    const main = (JSON.parse(readFileSync(pkg, 'utf8')) as { main?: string }).main;
    if (main && existsSync(join(dir, main))) return join(dir, main);
  }
  return existsSync(join(dir, 'index.js')) ? join(dir, 'index.js') : undefined;
}
