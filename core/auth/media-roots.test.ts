import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { resolveInsideRoots } from './media-roots.js';

/** <dir>/media (a root, holding movie.mkv and links), <dir>/media2 (a sibling whose name extends the root's), <dir>/uploads, <dir>/secret.txt. */
async function layout() {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'dubarr-roots-')));
  const media = join(dir, 'media');
  const uploads = join(dir, 'uploads');
  await mkdir(join(media, 'shows'), { recursive: true });
  await mkdir(join(dir, 'media2'));
  await mkdir(uploads);
  await writeFile(join(media, 'shows', 'movie.mkv'), 'movie');
  await writeFile(join(dir, 'media2', 'other.mkv'), 'other');
  await writeFile(join(uploads, 'up-1'), 'uploaded');
  await writeFile(join(dir, 'secret.txt'), 'secret');
  await symlink(join(dir, 'secret.txt'), join(media, 'escape.mkv'));
  await symlink(dir, join(media, 'parent-dir'));
  await symlink(join(media, 'shows', 'movie.mkv'), join(media, 'alias.mkv'));
  // A root that is itself a link: paths may name it by either form.
  await symlink(media, join(dir, 'library'));
  return { dir, media, uploads, done: () => rm(dir, { recursive: true, force: true }) };
}

async function refusal(p: Promise<unknown>): Promise<DubarrError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  assert.ok(e instanceof DubarrError, `expected a refusal, got ${String(e)}`);
  return e;
}

test('paths inside a media root or the uploads folder resolve to their real path', async () => {
  const l = await layout();
  try {
    const movie = join(l.media, 'shows', 'movie.mkv');
    assert.equal(await resolveInsideRoots(movie, [l.media], l.uploads), movie);
    assert.equal(await resolveInsideRoots(join(l.media, 'alias.mkv'), [l.media], l.uploads), movie, 'a link that stays inside');
    assert.equal(await resolveInsideRoots(join(l.dir, 'library', 'shows', 'movie.mkv'), [join(l.dir, 'library')], l.uploads), movie, 'a root that is a link');
    assert.equal(await resolveInsideRoots(join(l.uploads, 'up-1'), [], l.uploads), join(l.uploads, 'up-1'), 'no roots: uploads still allowed');
  } finally {
    await l.done();
  }
});

test("'..', relative paths, absolute paths outside and symlinks out of the roots are refused with E_PATH_NOT_ALLOWED", async () => {
  const l = await layout();
  try {
    const cases: Array<[string, RegExp]> = [
      [`${l.media}/shows/../shows/movie.mkv`, /'\.\.' segment/],
      [`${l.media}/../secret.txt`, /'\.\.' segment/],
      ['shows/movie.mkv', /is not absolute/],
      [join(l.dir, 'secret.txt'), /is outside server\.mediaRoots/],
      ['/etc/passwd', /is outside server\.mediaRoots/],
      [join(l.dir, 'media2', 'other.mkv'), /is outside/],
      [join(l.media, 'escape.mkv'), /through a symlink/],
      [join(l.media, 'parent-dir', 'secret.txt'), /through a symlink/],
      [`${l.media}/shows/movie.mkv\0.txt`, /NUL/],
    ];
    for (const [path, why] of cases) {
      const e = await refusal(resolveInsideRoots(path, [l.media], l.uploads));
      assert.equal(e.code, 'E_PATH_NOT_ALLOWED', path);
      assert.equal(e.status, 403);
      assert.match(e.message, why, path);
    }
  } finally {
    await l.done();
  }
});

test('a missing file is E_INPUT_NOT_FOUND inside the roots, E_PATH_NOT_ALLOWED outside (no probing)', async () => {
  const l = await layout();
  try {
    assert.equal((await refusal(resolveInsideRoots(join(l.media, 'nope.mkv'), [l.media], l.uploads))).code, 'E_INPUT_NOT_FOUND');
    assert.equal((await refusal(resolveInsideRoots(join(l.dir, 'library', 'nope.mkv'), [join(l.dir, 'library')], l.uploads))).code, 'E_INPUT_NOT_FOUND');
    assert.equal((await refusal(resolveInsideRoots(join(l.dir, 'nope.mkv'), [l.media], l.uploads))).code, 'E_PATH_NOT_ALLOWED');
    // A root that does not exist (an unmounted drive) allows nothing, and breaks nothing else.
    assert.equal((await refusal(resolveInsideRoots(join(l.media, 'shows', 'movie.mkv'), [join(l.dir, 'gone')], l.uploads))).code, 'E_PATH_NOT_ALLOWED');
    assert.ok(await resolveInsideRoots(join(l.media, 'shows', 'movie.mkv'), [join(l.dir, 'gone'), l.media], l.uploads));
  } finally {
    await l.done();
  }
});
