/**
 * The identity of a plugin's code, for its stages' cache keys in place of a version string
 * someone must remember to bump: a digest of every compiled module its entry and stage modules
 * load, following relative imports transitively (so the SDK code a plugin uses counts, and code
 * it does not use does not), plus name@version of each npm package those modules import.
 *
 * It errs on the side of a miss: an edit to a comment in a module a plugin loads, or a compiler
 * upgrade that emits different JavaScript, invalidates that plugin's results. A stale hit would
 * silently keep the old behaviour, which is the bug this replaces.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * String literals that name a module: `from '…'`, `import '…'`, `import('…')`, `require('…')`,
 * `require.resolve('…')`, `createRequire(…)('…')`, and `new URL('./…', import.meta.url)` (how stage
 * entries and workers are named). A false match is harmless: it must also resolve to be counted.
 */
const SPECIFIER = /(?:\bfrom|\bimport|\brequire|\.resolve|\)|\bnew URL)\s*\(?\s*(['"])([^'"\n]+)\1/g;

interface ModuleFacts { digest: string; specifiers: string[] }
/** Modules already read, by path; plugins share most SDK modules, so one host reads each once. */
export type ModuleMemo = Map<string, Promise<ModuleFacts | undefined>>;

function readModule(path: string, modules: ModuleMemo): Promise<ModuleFacts | undefined> {
  let facts = modules.get(path);
  if (!facts) {
    facts = readFile(path).then((buf) => ({
      digest: createHash('sha256').update(buf).digest('hex'),
      specifiers: [...buf.toString('utf8').matchAll(SPECIFIER)].map((m) => m[2]!),
    }), () => undefined);
    modules.set(path, facts);
  }
  return facts;
}

/** The npm package name a bare specifier names ('@scope/pkg/sub' -> '@scope/pkg'), or undefined for builtins. */
function packageName(spec: string): string | undefined {
  if (spec.startsWith('node:') || isBuiltin(spec)) return undefined;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** name@version of the package as Node would find it from `fromDir`, or undefined when it is not installed. */
async function packageVersion(name: string, fromDir: string): Promise<string | undefined> {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const text = await readFile(join(dir, 'node_modules', name, 'package.json'), 'utf8').catch(() => undefined);
    if (text !== undefined) return `${name}@${(JSON.parse(text) as { version?: string }).version ?? '?'}`;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The code identity of the modules reachable from `roots` (file: URLs of compiled modules). */
export async function codeIdentity(roots: readonly URL[], modules: ModuleMemo = new Map()): Promise<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const lines: string[] = [];
  const queue = roots.filter((u) => u.protocol === 'file:').map((u) => fileURLToPath(u));
  while (queue.length) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const facts = await readModule(path, modules);
    if (!facts) continue;
    lines.push(`${path}\0${facts.digest}`);
    for (const spec of facts.specifiers) {
      if (spec.startsWith('./') || spec.startsWith('../')) {
        queue.push(fileURLToPath(new URL(spec, pathToFileURL(path))));
      } else {
        const name = packageName(spec);
        const found = name && !spec.includes(':') ? await packageVersion(name, dirname(path)) : undefined;
        if (found) packages.add(found);
      }
    }
  }
  // Paths are relative to the common root so a moved install keeps its cache.
  const base = commonDir([...seen]);
  const h = createHash('sha256');
  for (const l of lines.map((x) => x.slice(base.length)).sort()) h.update(`${l}\n`);
  for (const p of [...packages].sort()) h.update(`npm ${p}\n`);
  return h.digest('hex').slice(0, 32);
}

function commonDir(paths: readonly string[]): string {
  if (paths.length === 0) return '';
  let base = dirname(paths[0]!);
  while (!paths.every((p) => p.startsWith(`${base}/`)) && dirname(base) !== base) base = dirname(base);
  return base;
}
