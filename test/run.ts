/**
 * Runs the whole suite (or the files whose path contains one of the arguments) with node's
 * test runner over the compiled output. Only test files whose TypeScript source still exists
 * run, so a deleted test cannot linger in dist/.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('..', import.meta.url));
const root = join(dist, '..');
const filters = process.argv.slice(2);

function* walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.name.endsWith('.test.js')) yield p;
  }
}

const files = ['core', 'plugins', 'native', 'test']
  .map((d) => join(dist, d))
  .filter(existsSync)
  .flatMap((d) => [...walk(d)])
  .filter((f) => !relative(dist, f).startsWith(join('test', 'bench')))
  .filter((f) => existsSync(join(root, relative(dist, f)).replace(/\.js$/, '.ts')))
  .filter((f) => filters.length === 0 || filters.some((x) => relative(dist, f).includes(x)))
  .sort();

if (files.length === 0) {
  console.error(`no test files match ${filters.join(', ')}`);
  process.exit(1);
}
const child = spawn(process.execPath, ['--test', '--test-reporter=spec', '--test-timeout=600000', ...files], {
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'test' },
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
