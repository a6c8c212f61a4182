import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot, makeReadOnly, readOnlyUnavailable } from '../../test/fixtures/mounts.js';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { prepareOutputLocations } from './output-locations.js';

const refused = (pattern: RegExp) => (e: unknown) => {
  assert.ok(e instanceof DubarrError, String(e));
  assert.equal(e.code, 'E_OUTPUT_NOT_WRITABLE');
  assert.match(e.message, pattern);
  return true;
};

async function library() {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-outloc-'));
  const input = join(dir, 'lib', 'Movie.mkv');
  await mkdir(join(dir, 'lib'));
  await writeFile(input, 'movie');
  return { dir, input };
}

test('a missing output folder is created when the job is created, and refused (not recreated) when it starts', async () => {
  const { dir, input } = await library();
  try {
    const out = join(dir, 'not', 'yet', 'there');
    assert.throws(() => prepareOutputLocations(input, { mode: 'mux', outDir: out }, { when: 'start' }), refused(/no longer exists.*unmounted/));
    assert.ok(!existsSync(out));
    prepareOutputLocations(input, { mode: 'mux', outDir: out }, { when: 'create' });
    assert.ok(existsSync(out));
    assert.deepEqual(await readdir(out), [], 'the write check leaves nothing behind');
    prepareOutputLocations(input, { mode: 'sidecar', outDir: out }, { when: 'start' });

    await writeFile(join(dir, 'a-file'), '');
    assert.throws(() => prepareOutputLocations(input, { outDir: join(dir, 'a-file') }, { when: 'create' }), refused(/is a file, not a folder/));
    assert.throws(() => prepareOutputLocations(input, { outDir: join(dir, 'a-file', 'sub') }, { when: 'create' }), refused(/Cannot (create|read) the output folder .*ENOTDIR/));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a missing input is left to the job (E_INPUT_NOT_FOUND when it runs)', () => {
  assert.doesNotThrow(() => prepareOutputLocations('/nonexistent/dir/Movie.mkv', { mode: 'inplace' }, { when: 'start' }));
});

test('read-only folders are refused with the folder named: the output folder, the source folder (no outDir, or in-place mode)', async (t) => {
  const why = readOnlyUnavailable();
  if (why) { t.skip(why); return; }
  const { dir, input } = await library();
  const out = join(dir, 'out');
  await mkdir(out);
  const undoOut = makeReadOnly(out);
  const undoLib = makeReadOnly(join(dir, 'lib'));
  try {
    assert.throws(() => prepareOutputLocations(input, { mode: 'mux', outDir: out }, { when: 'create' }), refused(new RegExp(`Cannot write to the output folder ${out} \\((EROFS|EACCES)\\)`)));
    assert.throws(() => prepareOutputLocations(input, { mode: 'sidecar', outDir: out }, { when: 'create' }), refused(/output folder/));
    assert.throws(() => prepareOutputLocations(input, { mode: 'mux' }, { when: 'create' }), refused(/the source's folder \(results are written beside the source\)/));
    // In-place mode writes beside the source whatever outDir says.
    assert.throws(() => prepareOutputLocations(input, { mode: 'inplace', outDir: dir }, { when: 'create' }), refused(/in-place mode writes the new file beside it/));
  } finally {
    undoLib();
    undoOut();
    await rm(dir, { recursive: true, force: true });
  }
});

test('in-place mode refuses a read-only source file', async (t) => {
  if (isRoot) { t.skip('root may write any file; as root only a read-only mount stops it, which the folder test covers'); return; }
  const { dir, input } = await library();
  try {
    await chmod(input, 0o444);
    assert.throws(() => prepareOutputLocations(input, { mode: 'inplace' }, { when: 'create' }), refused(/In-place mode replaces .*Movie\.mkv, which is read-only/));
    prepareOutputLocations(input, { mode: 'mux' }, { when: 'create' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
