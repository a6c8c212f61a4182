/**
 * The documentation a person gets with a clone must stand on its own: every relative link and
 * every path it names in backticks resolves to a file inside the checkout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '../../core/config/repo-root.js';

const root = repoRoot(import.meta.url);
const SKIP = new Set(['node_modules', 'dist', '.git', 'data', 'build']);

function* markdownFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* markdownFiles(p);
    else if (e.name.endsWith('.md')) yield p;
  }
}

/** Relative link targets and backticked relative paths (`../x/y.md`, `docs/a.md`). */
export function referencedPaths(markdown: string): string[] {
  const out: string[] = [];
  for (const m of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1]!.split('#')[0]!;
    if (target && !/^[a-z]+:/i.test(target)) out.push(target);
  }
  for (const m of markdown.matchAll(/`(\.{1,2}\/[^`\s]+)`/g)) out.push(m[1]!);
  return out;
}

test('referencedPaths finds relative links and backticked relative paths, not URLs', () => {
  assert.deepEqual(
    referencedPaths('see [a](docs/a.md#x), [web](https://x.org), `../shared/ARCHITECTURE.md`, `npm test`, `./data`'),
    ['docs/a.md', '../shared/ARCHITECTURE.md', './data'],
  );
});

test('every relative link and path in the docs stays inside the checkout', () => {
  const files = [...markdownFiles(root)];
  assert.ok(files.some((f) => f.endsWith('docs/architecture.md')), 'docs/architecture.md exists');
  const problems: string[] = [];
  for (const file of files) {
    for (const ref of referencedPaths(readFileSync(file, 'utf8'))) {
      const target = resolve(dirname(file), ref);
      const rel = relative(root, target);
      if (rel.startsWith('..')) problems.push(`${relative(root, file)}: '${ref}' points outside the repository`);
      // Backticked ./paths are often run-time folders (./data); only links must exist.
      else if (!ref.startsWith('./') && !existsSync(target)) problems.push(`${relative(root, file)}: '${ref}' does not exist`);
    }
  }
  assert.deepEqual(problems, []);
});
