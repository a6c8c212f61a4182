/**
 * The webhook parsers on payloads in the senders' real shapes (test/fixtures/webhook-payloads.ts):
 * Sonarr and Radarr v3 and v4 imports, multi-episode files, season packs, upgrades and the Test
 * event; Jellyfin, Plex and Emby new-item events; and the malformed bodies each must refuse
 * with the reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DubarrError } from '../../plugins/sdk/errors.js';
import {
  embyLibraryNew, jellyfinItemAdded, plexLibraryNew, radarrTest, radarrV3Download, radarrV4Download,
  sonarrTest, sonarrV3Download, sonarrV4Download, sonarrV4ImportComplete,
} from '../../test/fixtures/webhook-payloads.js';
import { radarrRequest, sonarrRequest } from './arr-webhooks.js';
import { parseJsonText } from './hook-request.js';
import { embyRequest, jellyfinRequest, pathRequest, plexRequest } from './media-server-webhooks.js';

const e01 = { relativePath: 'Season 01/The Show - S01E01.mkv', path: '/tv/The Show/Season 01/The Show - S01E01.mkv' };
const e02 = { relativePath: 'Season 01/The Show - S01E02.mkv', path: '/tv/The Show/Season 01/The Show - S01E02.mkv' };

function refused(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    const err = DubarrError.from(e);
    assert.equal(err.code, 'E_INVALID_ARGUMENT');
    assert.equal(err.status, 400);
    assert.match(err.message, pattern);
    return true;
  });
}

test('Sonarr v3 and v4: an import is series.path + episodeFile.relativePath; a two-episode file is one file; an upgrade the same', () => {
  for (const body of [sonarrV3Download('/tv/The Show', e01), sonarrV4Download('/tv/The Show', e01),
    sonarrV3Download('/tv/The Show', e01, { episodes: [1, 2] }), sonarrV4Download('/tv/The Show', e01, { episodes: [1, 2] }),
    sonarrV3Download('/tv/The Show', e01, { isUpgrade: true }), sonarrV4Download('/tv/The Show', e01, { isUpgrade: true, replaced: e02 })]) {
    assert.deepEqual(sonarrRequest(body), { kind: 'files', event: 'Download', paths: [e01.path] });
  }
});

test('Sonarr v4 import complete (a season pack): every one of episodeFiles', () => {
  assert.deepEqual(sonarrRequest(sonarrV4ImportComplete('/tv/The Show', [e01, e02])), { kind: 'files', event: 'Download', paths: [e01.path, e02.path] });
});

test('Sonarr: the folder as Sonarr on Windows writes it; the file\'s own path when series.path is missing', () => {
  const win = sonarrV3Download('D:\\TV\\The Show', { relativePath: 'Season 01\\E01.mkv', path: 'D:\\TV\\The Show\\Season 01\\E01.mkv' });
  assert.deepEqual(sonarrRequest(win), { kind: 'files', event: 'Download', paths: ['D:\\TV\\The Show\\Season 01\\E01.mkv'] });
  const noSeries = { ...sonarrV3Download('/tv/The Show', e01), series: undefined };
  assert.deepEqual(sonarrRequest(noSeries), { kind: 'files', event: 'Download', paths: [e01.path] });
});

test('Radarr v3 and v4: movie.folderPath + movieFile.relativePath, imports and upgrades', () => {
  const f = { relativePath: 'A Film (2020).mkv', path: '/movies/A Film (2020)/A Film (2020).mkv' };
  for (const body of [radarrV3Download('/movies/A Film (2020)', f), radarrV4Download('/movies/A Film (2020)', f),
    radarrV3Download('/movies/A Film (2020)', f, { isUpgrade: true }), radarrV4Download('/movies/A Film (2020)', f, { isUpgrade: true, replaced: { relativePath: 'old.mkv', path: '/movies/A Film (2020)/old.mkv' } })]) {
    assert.deepEqual(radarrRequest(body), { kind: 'files', event: 'Download', paths: [f.path] });
  }
});

test('the Test event of Sonarr and Radarr (v3, v4) and events not acted on ask for nothing', () => {
  for (const v of [3, 4] as const) {
    assert.equal(sonarrRequest(sonarrTest(v)).kind, 'none');
    assert.equal(radarrRequest(radarrTest(v)).kind, 'none');
  }
  assert.deepEqual(sonarrRequest({ eventType: 'Grab', series: { path: '/tv/x' } }), { kind: 'none', event: 'Grab', reason: 'only Download (an import or an upgrade) and Test are acted on' });
  assert.equal(radarrRequest({ eventType: 'MovieFileDelete', movie: { folderPath: '/m' } }).kind, 'none');
});

test('malformed Sonarr and Radarr payloads are refused with the reason', () => {
  refused(() => sonarrRequest({}), /eventType/);
  refused(() => sonarrRequest({ eventType: 'Download', series: { path: '/tv/x' } }), /without episodeFile or episodeFiles/);
  refused(() => sonarrRequest({ eventType: 'Download', series: { path: '/tv/x' }, episodeFile: { id: 1 } }), /neither relativePath .* nor path/);
  refused(() => sonarrRequest({ eventType: 'Download', series: { path: 7 }, episodeFile: e01 }), /series\.path/);
  refused(() => radarrRequest({ eventType: 'Download', movie: { folderPath: '/m' } }), /without movieFile/);
  refused(() => radarrRequest([]), /Radarr/);
  refused(() => parseJsonText('Sonarr', '{"eventType": '), /not JSON/);
  refused(() => parseJsonText('Sonarr', ''), /empty/);
});

test('Jellyfin ItemAdded: the item id (with or without dashes) and server id; other notifications and non-videos ask for nothing', () => {
  const serverId = 'f4c3b2a1e0d9c8b7a6f5e4d3c2b1a0f9';
  const itemId = '0123456789abcdef0123456789abcdef';
  assert.deepEqual(jellyfinRequest(jellyfinItemAdded({ serverId, itemId })), { kind: 'item', event: 'ItemAdded', server: 'jellyfin', serverId, itemId });
  const dashed = '01234567-89ab-cdef-0123-456789abcdef';
  assert.equal((jellyfinRequest({ notificationType: 'ItemAdded', itemId: dashed }) as { itemId: string }).itemId, dashed, 'a template\'s own spelling');
  assert.equal(jellyfinRequest(jellyfinItemAdded({ serverId, itemId, itemType: 'Audio' })).kind, 'none');
  assert.equal(jellyfinRequest({ ...jellyfinItemAdded({ serverId, itemId }), NotificationType: 'PlaybackStart' }).kind, 'none');
  refused(() => jellyfinRequest({ ItemId: itemId }), /NotificationType is missing/);
  refused(() => jellyfinRequest({ NotificationType: 'ItemAdded', ItemId: '../../etc' }), /ItemId/);
  refused(() => jellyfinRequest('ItemAdded'), /not a JSON object/);
});

test('Plex library.new: the ratingKey (text or number) and server uuid; other events and tracks ask for nothing', () => {
  const serverUuid = '54664a3d8acc39983675640ec9ce00b70af9cc36';
  assert.deepEqual(plexRequest(plexLibraryNew({ serverUuid, ratingKey: '1936' })), { kind: 'item', event: 'library.new', server: 'plex', serverId: serverUuid, itemId: '1936' });
  assert.equal((plexRequest({ event: 'library.new', Metadata: { ratingKey: 42, type: 'episode' } }) as { itemId: string }).itemId, '42');
  assert.equal(plexRequest(plexLibraryNew({ serverUuid, ratingKey: '7', type: 'track' })).kind, 'none');
  assert.equal(plexRequest({ ...plexLibraryNew({ serverUuid, ratingKey: '7' }), event: 'media.play' }).kind, 'none');
  refused(() => plexRequest({ event: 'library.new', Metadata: {} }), /ratingKey is missing/);
  refused(() => plexRequest({ event: 'library.new', Metadata: { ratingKey: '1/../2' } }), /ratingKey/);
});

test('Emby library.new: a movie\'s Path is its file; a series is looked up; other events ask for nothing', () => {
  const serverId = 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5';
  assert.deepEqual(embyRequest(embyLibraryNew({ serverId, itemId: '12345', path: '/mnt/movies/A.mkv' })),
    { kind: 'item', event: 'library.new', server: 'emby', serverId, itemId: '12345', paths: ['/mnt/movies/A.mkv'] });
  const series = embyRequest({ ...embyLibraryNew({ serverId, itemId: '9', path: '/mnt/tv/Show' }), Item: { Id: '9', Path: '/mnt/tv/Show', Type: 'Series', IsFolder: true } });
  assert.deepEqual(series, { kind: 'item', event: 'library.new', server: 'emby', serverId, itemId: '9', paths: undefined });
  assert.equal(embyRequest({ Event: 'playback.start', Item: { Id: '1' } }).kind, 'none');
  refused(() => embyRequest({ Event: 'library.new' }), /Item is missing/);
  refused(() => embyRequest({ Title: 'x' }), /Event/);
});

test('/hooks/path: exactly {"path": ...}', () => {
  assert.deepEqual(pathRequest({ path: '/media/A.mkv' }), { kind: 'files', event: 'path', paths: ['/media/A.mkv'] });
  refused(() => pathRequest({ file: '/media/A.mkv' }), /send \{"path"/);
  refused(() => pathRequest({ path: '' }), /path/);
});
