/**
 * Runs the whole suite (or the files whose path contains one of the arguments) with node's
 * test runner over the compiled output. Only test files whose TypeScript source still exists
 * run, so a deleted test cannot linger in dist/.
 *
 * Temp files: the run gets a root under the OS temp dir and every test file a TMPDIR of its own
 * inside it (per-file-tmpdir.ts). Fixture caches stay in the OS temp dir, shared by files and
 * runs (TEST_SHARED_TMPDIR). A file that leaves anything in its temp dir fails the run,
 * with the paths listed; the root is removed either way.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

const sharedTmp = tmpdir();
const runRoot = mkdtempSync(join(sharedTmp, 'dubarr-test-run-'));
// Without XDG_RUNTIME_DIR (a server, a container), PulseAudio's client library, which espeak-ng
// starts even for --version, makes its runtime dir in the temp dir; give it one of the run's.
const xdgRuntime = join(runRoot, '.xdg-runtime');
if (!process.env.XDG_RUNTIME_DIR) mkdirSync(xdgRuntime, { mode: 0o700 });

/** What the test files left in their temp dirs: '<file dir>/<entry>' paths. */
function leftovers(): string[] {
  return readdirSync(runRoot, { withFileTypes: true }).filter((e) => e.name !== '.xdg-runtime').flatMap((e) =>
    e.isDirectory() ? readdirSync(join(runRoot, e.name)).map((f) => join(e.name, f)) : [e.name]);
}

const child = spawn(process.execPath, [
  '--import', new URL('./per-file-tmpdir.js', import.meta.url).href,
  '--test', '--test-reporter=spec', '--test-timeout=600000', ...files,
], {
  stdio: 'inherit',
  env: {
    ...process.env, NODE_ENV: 'test', TMPDIR: runRoot, TEST_TMPDIR_ROOT: runRoot, TEST_SHARED_TMPDIR: sharedTmp,
    ...(process.env.XDG_RUNTIME_DIR ? {} : { XDG_RUNTIME_DIR: xdgRuntime }),
  },
});
// Ctrl-C reaches the runner too; let it end, then clean up here.
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => {
  let status = code ?? (signal ? 1 : 0);
  const left = leftovers();
  if (left.length > 0) {
    console.error(`\nTest files left ${left.length} entries in their temp dirs (<test file>/<entry>); a test must remove what it creates:`);
    for (const l of left) console.error(`  ${l}`);
    status ||= 1;
  }
  rmSync(runRoot, { recursive: true, force: true });
  process.exit(status);
});
