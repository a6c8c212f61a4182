import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { episodeFileName, libraryFolder, libraryIdentity, librarySpeakers, nameSpeakers, readLibrary, seriesFolder, writeEpisode, type EpisodeSpeakers } from './library.js';

test('the series folder: the file\'s folder, or the one above a season folder', () => {
  assert.equal(seriesFolder('/tv/The Show/Season 2/The Show S02E01.mkv'), '/tv/The Show');
  assert.equal(seriesFolder('/tv/The Show/season_10/e.mkv'), '/tv/The Show');
  assert.equal(seriesFolder('/tv/The Show/S01/e.mkv'), '/tv/The Show');
  assert.equal(seriesFolder('/tv/The Show/Specials/e.mkv'), '/tv/The Show');
  assert.equal(seriesFolder('/tv/The Show/e.mkv'), '/tv/The Show');
  assert.equal(seriesFolder('/films/Season of the Witch (1972)/film.mkv'), '/films/Season of the Witch (1972)');
  assert.match(libraryFolder('/data/speakers', '/tv/The Show'), /^\/data\/speakers\/The_Show-[0-9a-f]{12}$/);
  assert.notEqual(libraryFolder('/d', '/a/The Show'), libraryFolder('/d', '/b/The Show'), 'two series of one name do not share a library');
  assert.match(episodeFileName('/tv/The Show/Season 1/ep 1.mkv'), /^ep_1.mkv-[0-9a-f]{12}\.json$/);
});

const v = (...x: number[]) => x;
const episode = (source: string, speakers: EpisodeSpeakers['speakers'], embedder = 'emb@1'): EpisodeSpeakers =>
  ({ version: 1, series: '/tv/show', source, embedder, speakers });

test('library speakers: one per id over the episodes, speech-weighted, other embedders left out', () => {
  const lib = librarySpeakers([
    episode('/e1', [{ id: 'S1', speechMs: 3000, embedding: v(1, 0, 0) }, { id: 'S2', speechMs: 1000, embedding: v(0, 2, 0) }]),
    episode('/e2', [{ id: 'S1', speechMs: 1000, embedding: v(0, 0, 5) }]),
    episode('/e3', [{ id: 'S1', speechMs: 9000, embedding: v(0, 1, 0) }], 'other@2'),
  ], 'emb@1');
  assert.deepEqual(lib.map((s) => s.id), ['S1', 'S2']);
  const s1 = [...lib[0]!.embedding];
  assert.ok(Math.abs(s1[0]! - 3 / Math.sqrt(10)) < 1e-9 && Math.abs(s1[2]! - 1 / Math.sqrt(10)) < 1e-9 && s1[1] === 0);
  assert.equal(lib[0]!.speechMs, 4000);
});

test('naming: the most similar pairs first, one to one, above the threshold; the rest get the lowest free ids', () => {
  const library = librarySpeakers([episode('/e1', [
    { id: 'S1', speechMs: 1, embedding: v(1, 0, 0, 0) },
    { id: 'S2', speechMs: 1, embedding: v(0, 1, 0, 0) },
    { id: 'S4', speechMs: 1, embedding: v(0, 0, 1, 0) },
  ])], 'emb@1');
  const names = nameSpeakers([
    { id: 'S1', speechMs: 1, embedding: v(0.1, 1, 0, 0) }, // the library's S2
    { id: 'S2', speechMs: 1, embedding: v(1, 0.05, 0, 0) }, // S1
    { id: 'S3', speechMs: 1, embedding: v(0.9, 0.1, 0, 0) }, // like S1, but S1 is taken by a closer one
    { id: 'S4', speechMs: 1, embedding: v(0, 0, 0, 1) }, // nobody known
  ], library, 0.6);
  assert.deepEqual(Object.fromEntries(names), {
    S1: { id: 'S2', known: true }, S2: { id: 'S1', known: true }, S3: { id: 'S3', known: false }, S4: { id: 'S5', known: false },
  });
  const fresh = nameSpeakers([{ id: 'S1', speechMs: 1, embedding: v(1, 0) }, { id: 'S2', speechMs: 1 }], [], 0.6);
  assert.deepEqual([...fresh.values()], [{ id: 'S1', known: false }, { id: 'S2', known: false }]);
});

test('episode files: written atomically (no temp file left), read back; the own file and unreadable ones are skipped', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-library-'));
  try {
    const e1 = episode('/tv/show/e1.mkv', [{ id: 'S2', speechMs: 5, embedding: v(1, 2) }, { id: 'S1', speechMs: 7, embedding: v(3, 4) }]);
    const path = await writeEpisode(dir, 'e1.json', e1);
    await writeEpisode(dir, 'e2.json', episode('/tv/show/e2.mkv', [{ id: 'S1', speechMs: 1, embedding: v(1, 1) }]));
    assert.deepEqual((await readdir(dir)).sort(), ['e1.json', 'e2.json']);
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')).speakers.map((s: { id: string }) => s.id), ['S1', 'S2'], 'stored in id order');
    const before = await libraryIdentity(dir);
    await writeFile(join(dir, 'broken.json'), '{"version": 1, "spea');
    const read = await readLibrary(dir, 'e2.json');
    assert.deepEqual(read.episodes.map((e) => e.source), ['/tv/show/e1.mkv']);
    assert.deepEqual(read.unreadable, [join(dir, 'broken.json')]);
    assert.notEqual(await libraryIdentity(dir), before, 'any file change changes the identity');
    await rm(join(dir, 'broken.json'));
    assert.equal(await libraryIdentity(dir), before);
    assert.deepEqual(await readLibrary(join(dir, 'missing'), 'x.json'), { episodes: [], unreadable: [] });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
