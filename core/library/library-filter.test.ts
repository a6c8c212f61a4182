import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IgnoreMarkers, isIgnoredName, LibraryFilter } from './library-filter.js';

const EXTS = ['mkv', 'mp4'];

test('downloads in progress, hidden names and dubarr\'s own outputs are never media to look at', () => {
  for (const n of ['Movie.mkv.part', 'Movie.mkv.tmp', 'Movie.mkv.partial', 'Movie.partial~', 'Movie.mkv.!qB', 'Movie.mkv.crdownload', '.Movie.mkv',
    'Movie - dub es.mkv', 'Movie.dubarr-tmp.mkv', 'Movie.mkv.dubarr-bak']) assert.ok(isIgnoredName(n), n);
  for (const n of ['Movie.mkv', 'Movie.Partly.Cloudy.mkv', 'Parts Unknown S01E01.mkv']) assert.ok(!isIgnoredName(n), n);
  const f = new LibraryFilter('/media', { extensions: EXTS, include: [], exclude: [] });
  assert.ok(f.isCandidate('/media/Films/Movie.mkv'));
  assert.ok(f.isCandidate('/media/Films/MOVIE.MKV'), 'extensions in any case');
  assert.ok(!f.isCandidate('/media/Films/Movie.avi'), 'not a configured extension');
  assert.ok(!f.isCandidate('/media/.trash/Movie.mkv'), 'inside a hidden folder');
  assert.ok(!f.isCandidate('/elsewhere/Movie.mkv'));
  assert.ok(!f.ignoresPath('/media'), 'the root itself is watched even if its name is hidden');
  assert.ok(f.ignoresPath('/media/.git') && !f.ignoresPath('/media/Films/.dubarrignore'), 'chokidar still reports the marker');
});

test('include and exclude globs are relative to the folder', () => {
  const f = new LibraryFilter('/media', { extensions: EXTS, include: ['Films/**', 'TV/*/Season */*'], exclude: ['**/Extras/**', '**/*sample*'] });
  assert.ok(f.isCandidate('/media/Films/A (2001)/A.mkv'));
  assert.ok(f.isCandidate('/media/TV/Show/Season 1/S01E01.mkv'));
  assert.ok(!f.isCandidate('/media/Music/Live.mkv'), 'outside every include');
  assert.ok(!f.isCandidate('/media/Films/A (2001)/Extras/Trailer.mkv'));
  assert.ok(!f.isCandidate('/media/Films/A (2001)/a-sample.mkv'));
});

test('.dubarrignore covers its folder and everything below, and is read again once invalidated', async () => {
  const root = await mkdtemp(join(tmpdir(), 'dubarr-markers-'));
  try {
    await mkdir(join(root, 'Films', 'Old', 'Deep'), { recursive: true });
    const m = new IgnoreMarkers(root);
    const deep = join(root, 'Films', 'Old', 'Deep', 'A.mkv');
    assert.ok(!m.covers(deep));
    await writeFile(join(root, 'Films', 'Old', '.dubarrignore'), '');
    assert.ok(!m.covers(deep), 'remembered until told');
    m.invalidate(join(root, 'Films', 'Old'));
    assert.ok(m.covers(deep) && m.covers(join(root, 'Films', 'Old', 'B.mkv')));
    assert.ok(!m.covers(join(root, 'Films', 'New.mkv')));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
