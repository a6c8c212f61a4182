/**
 * Loaded by test/run.ts into every test file's process (`node --test --import`): the file gets
 * a temp dir of its own, <run root>/<test file>, as TMPDIR. node --test runs the files in
 * parallel processes, so without this a test that snapshots "the whole temp dir" before and
 * after a stage would see other files' temp dirs come and go; with it, anything new in
 * os.tmpdir() was made by this process. Child processes and worker threads inherit TMPDIR.
 * run.ts lists what each file left in its dir after the run and fails the run if anything is.
 */
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

const distRoot = fileURLToPath(new URL('..', import.meta.url));

const runRoot = process.env.TEST_TMPDIR_ROOT;
// Only in the processes node --test starts for test files (not in the runner, not in workers).
if (isMainThread && process.env.NODE_TEST_CONTEXT && runRoot && process.argv[1]) {
  const dir = join(runRoot, relative(distRoot, process.argv[1]).replace(/[/\\]/g, '__'));
  mkdirSync(dir, { recursive: true });
  process.env.TMPDIR = dir;
}
