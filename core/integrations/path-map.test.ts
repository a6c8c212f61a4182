import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInside, joinSenderPath, parentFolder, toOurs, toTheirs } from './path-map.js';

const map = [
  { from: '/volume2/Media', to: '/media' },
  { from: '/volume2/Media/tv', to: '/tv' },
  { from: 'D:\\Media', to: '/media' },
  { from: '\\\\nas\\share', to: '/mnt/share' },
];

test('their path becomes ours by the longest matching folder, whole segments only; an unmatched path stays as sent', () => {
  assert.deepEqual(toOurs('/volume2/Media/films/A.mkv', map), { path: '/media/films/A.mkv', matched: true });
  assert.deepEqual(toOurs('/volume2/Media/tv/Show/S01E01.mkv', map), { path: '/tv/Show/S01E01.mkv', matched: true });
  assert.deepEqual(toOurs('/volume2/Media', map), { path: '/media', matched: true });
  assert.deepEqual(toOurs('/volume2/Media2/A.mkv', map), { path: '/volume2/Media2/A.mkv', matched: false });
  assert.deepEqual(toOurs('/media/A.mkv', []), { path: '/media/A.mkv', matched: false });
  assert.deepEqual(toOurs('/volume2/Media/', map), { path: '/media', matched: true }, 'a trailing slash is the same folder');
});

test('Windows paths map without case and with either slash, and come back in their own style', () => {
  assert.equal(toOurs('D:\\Media\\films\\A.mkv', map).path, '/media/films/A.mkv');
  assert.equal(toOurs('d:/media/films/A.mkv', map).path, '/media/films/A.mkv');
  assert.equal(toOurs('\\\\NAS\\share\\x\\y.mp4', map).path, '/mnt/share/x/y.mp4');
  assert.equal(toTheirs('/mnt/share/x/y.mp4', map).path, '\\\\nas\\share\\x\\y.mp4');
  assert.equal(toOurs('C:\\Other\\A.mkv', map).matched, false);
});

test('our path becomes theirs by the longest matching "to"', () => {
  assert.deepEqual(toTheirs('/tv/Show/S01E01 - dub es.mkv', map), { path: '/volume2/Media/tv/Show/S01E01 - dub es.mkv', matched: true });
  // '/media' is the `to` of two entries; the first of equal length wins.
  assert.equal(toTheirs('/media/films/A.mkv', map).path, '/volume2/Media/films/A.mkv');
  assert.deepEqual(toTheirs('/elsewhere/A.mkv', map), { path: '/elsewhere/A.mkv', matched: false });
  assert.equal(toTheirs('/data/x.mkv', [{ from: '/', to: '/data' }]).path, '/x.mkv');
  assert.equal(toOurs('/x.mkv', [{ from: '/', to: '/data' }]).path, '/data/x.mkv');
});

test('a sender folder and a relative path join in the folder\'s style; folders and parents', () => {
  assert.equal(joinSenderPath('/tv/The Show', 'Season 01/E01.mkv'), '/tv/The Show/Season 01/E01.mkv');
  assert.equal(joinSenderPath('/tv/The Show/', '/Season 01/E01.mkv'), '/tv/The Show/Season 01/E01.mkv');
  assert.equal(joinSenderPath('D:\\TV\\The Show', 'Season 01\\E01.mkv'), 'D:\\TV\\The Show\\Season 01\\E01.mkv');
  assert.equal(joinSenderPath('D:\\TV\\The Show', 'Season 01/E01.mkv'), 'D:\\TV\\The Show\\Season 01\\E01.mkv');
  assert.ok(isInside('/media/films/A.mkv', '/media'));
  assert.ok(isInside('/media', '/media/'));
  assert.ok(!isInside('/media2/A.mkv', '/media'));
  assert.ok(isInside('d:\\media\\A.mkv', 'D:\\Media'));
  assert.equal(parentFolder('/media/films/A.mkv'), '/media/films');
  assert.equal(parentFolder('/A.mkv'), '/');
  assert.equal(parentFolder('D:\\Media\\A.mkv'), 'D:\\Media');
  assert.equal(parentFolder('D:\\A.mkv'), 'D:\\');
});
