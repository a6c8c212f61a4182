/**
 * Jellyfin, Plex and Emby webhooks and refreshes against fake servers on 127.0.0.1 that answer
 * in the documented shapes and record every call: a webhook leads to a real job on the file the
 * server names (after its pathMap), and once the job has delivered, the server that holds the
 * file is told, on the right endpoint, with the right auth header and item id or path (mapped
 * back to the server's view). Failures are retried (the waits recorded, not slept) and end as a
 * warning on a succeeded job; no token reaches a log line, a job row or an answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatJobDetail } from '../../../core/cli/format.js';
import { FakeMediaBrowser, FakePlex, type MbItem, type RecordedCall } from '../../fixtures/fake-media-servers.js';
import { embyLibraryNew, jellyfinItemAdded, plexLibraryNew, plexMultipart, sonarrV3Download } from '../../fixtures/webhook-payloads.js';
import { finished } from './harness.js';
import { hookServer, recordedWaits, TOKEN, type HookServer } from './hooks-harness.js';

const JF_TOKEN = 'jellyfin-api-key-5f0c1a7d9e2b4c6a';
const PLEX_TOKEN = 'plex-token-Zx81yQw3';
const EMBY_TOKEN = 'emby-api-key-8d7c6b5a4f3e2d1c';
const JF_ID = 'f4c3b2a1e0d9c8b7a6f5e4d3c2b1a0f9';
const ITEM = '0123456789abcdef0123456789abcdef';
const FILM = 'films/A Film (2020)/A Film (2020).mp4';

function jellyfin(serverId = JF_ID, items: MbItem[] = [{ Id: ITEM, Name: 'A Film', Type: 'Movie', Path: `/jf/media/${FILM}` }]) {
  return new FakeMediaBrowser('jellyfin', { token: JF_TOKEN, serverId, libraries: [{ name: 'Films', locations: ['/jf/media/films'] }, { name: 'TV', locations: ['/jf/media/tv'] }], items }).start();
}

/** Runs the webhook's job to its end and waits for what acts on the end (the refresh). */
async function settle(s: HookServer, job: string) {
  const done = await finished(s.t, job);
  await s.t.rt.jobs.completionsIdle();
  return done;
}

function noSecrets(s: HookServer, ...tokens: string[]): void {
  const rows = JSON.stringify(s.t.rt.store.listJobs().map((j) => ({ ...j, events: s.t.rt.store.events(j.id) })));
  for (const token of tokens) {
    assert.ok(!rows.includes(token), 'no token in job rows or events');
    assert.deepEqual(s.logLines.filter((l) => l.includes(token)), [], 'no token in the log');
  }
}

const authOf = (c: RecordedCall) => ({ authorization: c.headers.authorization, emby: c.headers['x-emby-token'], plex: c.headers['x-plex-token'] });

test('Jellyfin: ItemAdded (JSON sent as text/plain) -> the item\'s file asked of the server that sent it -> a job on it -> POST /Items/{id}/Refresh with the MediaBrowser token', async () => {
  const other = await jellyfin('00000000000000000000000000000000', []);
  const jf = await jellyfin();
  const s = await hookServer((library) => ({
    hooks: { mode: 'sidecar' },
    mediaServers: [
      { kind: 'jellyfin', url: other.url, token: JF_TOKEN, pathMap: [{ from: '/jf/media', to: library }] },
      { kind: 'jellyfin', url: jf.url, token: JF_TOKEN, pathMap: [{ from: '/jf/media', to: library }] },
    ],
  }), { retry: recordedWaits() });
  try {
    const film = await s.media(FILM);
    const r = await s.post('jellyfin', undefined, { raw: JSON.stringify(jellyfinItemAdded({ serverId: JF_ID, itemId: ITEM })), contentType: 'text/plain; charset=utf-8' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.queued.map((q) => q.path), [film]);
    assert.deepEqual(other.callsTo('GET', '/Items'), [], 'the other Jellyfin (another ServerId) is not asked');
    const [lookup] = jf.callsTo('GET', '/Items');
    assert.equal(lookup?.query.ids, ITEM);
    assert.match(lookup!.query.fields ?? '', /\bPath\b/);
    assert.deepEqual(authOf(lookup!), { authorization: `MediaBrowser Token="${JF_TOKEN}"`, emby: undefined, plex: undefined });

    assert.equal((await settle(s, r.body.queued[0]!.job)).status, 'succeeded');
    const refreshes = jf.callsTo('POST', '/Items/');
    assert.deepEqual(refreshes.map((c) => c.path), [`/Items/${ITEM}/Refresh`]);
    assert.equal(refreshes[0]!.headers.authorization, `MediaBrowser Token="${JF_TOKEN}"`);
    assert.equal(refreshes[0]!.headers['x-emby-token'], undefined, 'the legacy header is off on new Jellyfin servers');
    assert.equal(refreshes[0]!.query.metadataRefreshMode, 'Default');
    assert.deepEqual(jf.callsTo('POST', '/Library/Media/Updated'), []);
    assert.deepEqual(s.t.rt.jobs.get(r.body.queued[0]!.job).warnings, []);
    noSecrets(s, JF_TOKEN, TOKEN);
  } finally {
    await s.close();
    await jf.close();
    await other.close();
  }
});

test('Jellyfin and Plex told of a new dubbed version from a Sonarr job: the server whose library holds it scans it by path (mapped back), the other is left alone', async () => {
  const jf = await jellyfin();
  const plex = await new FakePlex({ token: PLEX_TOKEN, machineIdentifier: 'abc', sections: [{ key: '1', title: 'Movies', type: 'movie', locations: ['/plex/other'] }], items: [] }).start();
  const s = await hookServer((library) => ({
    hooks: { pathMap: [{ from: '/tv', to: `${library}/tv` }] },
    mediaServers: [
      { kind: 'jellyfin', url: jf.url, token: JF_TOKEN, pathMap: [{ from: '/jf/media', to: library }] },
      { kind: 'plex', url: plex.url, token: PLEX_TOKEN, pathMap: [{ from: '/plex/data', to: library }] },
    ],
  }), { retry: recordedWaits() });
  try {
    await s.media('tv/The Show/Season 01/E01.mp4');
    const r = await s.post('sonarr', sonarrV3Download('/tv/The Show', { relativePath: 'Season 01/E01.mp4', path: '/tv/The Show/Season 01/E01.mp4' }));
    assert.equal((await settle(s, r.body.queued[0]!.job)).status, 'succeeded');
    const [updated, ...more] = jf.callsTo('POST', '/Library/Media/Updated');
    assert.equal(more.length, 0);
    assert.equal(updated!.headers.authorization, `MediaBrowser Token="${JF_TOKEN}"`);
    assert.deepEqual(JSON.parse(updated!.body), { Updates: [{ Path: '/jf/media/tv/The Show/Season 01/E01 - dub es.mp4', UpdateType: 'Created' }] });
    assert.deepEqual(jf.callsTo('POST', '/Items/'), [], 'no item id: the job did not come from Jellyfin');
    assert.deepEqual(plex.calls.map((c) => `${c.method} ${c.path}`), ['GET /library/sections'], 'Plex\'s libraries do not hold the file');
    assert.deepEqual(s.t.rt.jobs.get(r.body.queued[0]!.job).warnings, []);
  } finally {
    await s.close();
    await jf.close();
    await plex.close();
  }
});

test('Plex: library.new (multipart, with its poster) -> /library/metadata/{ratingKey} as JSON -> a job on Part@file -> PUT .../refresh, or a partial scan of the folder for a new dubbed version', async () => {
  const plex = await new FakePlex({
    token: PLEX_TOKEN, machineIdentifier: '54664a3d8acc39983675640ec9ce00b70af9cc36',
    sections: [{ key: '1', title: 'Movies', type: 'movie', locations: ['/plex/data/films'] }],
    items: [{ ratingKey: '1936', type: 'movie', title: 'A Film', files: [`/plex/data/${FILM}`], sectionKey: '1' }],
  }).start();
  try {
    for (const mode of ['sidecar', 'mux'] as const) {
      const s = await hookServer((library) => ({ hooks: { mode }, mediaServers: [{ kind: 'plex', url: plex.url, token: PLEX_TOKEN, pathMap: [{ from: '/plex/data', to: library }] }] }), { retry: recordedWaits() });
      try {
        const film = await s.media(FILM);
        plex.calls.length = 0;
        const { body, contentType } = plexMultipart(plexLibraryNew({ serverUuid: '54664a3d8acc39983675640ec9ce00b70af9cc36', ratingKey: '1936' }));
        const r = await s.post('plex', undefined, { raw: body, contentType });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.deepEqual(r.body.queued.map((q) => q.path), [film]);
        const [lookup] = plex.callsTo('GET', '/library/metadata/1936');
        assert.equal(lookup!.headers['x-plex-token'], PLEX_TOKEN);
        assert.match(String(lookup!.headers.accept), /application\/json/);
        assert.equal((await settle(s, r.body.queued[0]!.job)).status, 'succeeded');
        const told = plex.calls.filter((c) => /refresh$/.test(c.path)).map((c) => ({ call: `${c.method} ${c.path}`, path: c.query.path, token: c.headers['x-plex-token'] }));
        assert.deepEqual(told, mode === 'sidecar'
          ? [{ call: 'PUT /library/metadata/1936/refresh', path: undefined, token: PLEX_TOKEN }]
          : [{ call: 'GET /library/sections/1/refresh', path: '/plex/data/films/A Film (2020)', token: PLEX_TOKEN }]);
        noSecrets(s, PLEX_TOKEN);
      } finally {
        await s.close();
      }
    }
  } finally {
    await plex.close();
  }
});

test('Emby: library.new as a form (data) or JSON -> a job on Item.Path, no lookup -> POST /Items/{id}/Refresh with X-Emby-Token', async () => {
  const serverId = 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5';
  const emby = await new FakeMediaBrowser('emby', { token: EMBY_TOKEN, serverId, libraries: [{ name: 'Films', locations: [] }], items: [] }).start();
  try {
    const s = await hookServer((library) => ({ hooks: { mode: 'sidecar' }, mediaServers: [{ kind: 'emby', url: emby.url, token: EMBY_TOKEN, pathMap: [] }] }), { retry: recordedWaits() });
    try {
      const film = await s.media(FILM);
      const other = await s.media('films/B/B.mp4');
      // The server's items, at the paths it was handed (no pathMap: it sees what dubarr sees).
      emby.o.items.push({ Id: '12345', Name: 'A Film', Type: 'Movie', Path: film }, { Id: '678', Name: 'B', Type: 'Movie', Path: other });
      const form = new URLSearchParams({ data: JSON.stringify(embyLibraryNew({ serverId, itemId: '12345', path: film })) }).toString();
      const byForm = await s.post('emby', undefined, { raw: form, contentType: 'application/x-www-form-urlencoded' });
      const byJson = await s.post('emby', embyLibraryNew({ serverId, itemId: '678', path: other }));
      assert.deepEqual([...byForm.body.queued, ...byJson.body.queued].map((q) => q.path), [film, other]);
      assert.deepEqual(emby.callsTo('GET', '/Items'), [], 'Emby sends the path itself');
      for (const r of [byForm, byJson]) assert.equal((await settle(s, r.body.queued[0]!.job)).status, 'succeeded');
      const refreshes = emby.callsTo('POST', '/Items/');
      assert.deepEqual(refreshes.map((c) => c.path).sort(), ['/Items/12345/Refresh', '/Items/678/Refresh']);
      for (const c of refreshes) assert.deepEqual(authOf(c), { authorization: undefined, emby: EMBY_TOKEN, plex: undefined });
      noSecrets(s, EMBY_TOKEN);
    } finally {
      await s.close();
    }
  } finally {
    await emby.close();
  }
});

test('a refresh that fails is retried after the configured waits; one that keeps failing, or whose token is refused, is a warning on the succeeded job (REST, GraphQL, jobs show), without the token', async () => {
  const jf = await jellyfin();
  const waits = recordedWaits();
  const s = await hookServer((library) => ({ hooks: { mode: 'sidecar' }, mediaServers: [{ kind: 'jellyfin', url: jf.url, token: JF_TOKEN, pathMap: [{ from: '/jf/media', to: library }] }] }), { retry: waits });
  const itemAdded = () => s.post('jellyfin', jellyfinItemAdded({ serverId: JF_ID, itemId: ITEM }));
  try {
    const film = await s.media(FILM);
    const refresh = `POST /Items/${ITEM}/Refresh`;

    jf.failNext(refresh, 503, 502);
    const first = await itemAdded();
    assert.equal((await settle(s, first.body.queued[0]!.job)).status, 'succeeded');
    assert.deepEqual(waits.waits, [2_000, 8_000]);
    assert.equal(jf.callsTo('POST', '/Items/').length, 3);
    assert.deepEqual(s.t.rt.jobs.get(first.body.queued[0]!.job).warnings, []);

    // The file changes (a new release moved into place), so the next ItemAdded is a new job.
    let release: 1 | 2 = 1;
    const redo = async () => {
      release = release === 1 ? 2 : 1;
      await s.media(FILM.replace('A Film (2020).mp4', 'tmp.mp4'), release).then(async (tmp) => (await import('node:fs/promises')).rename(tmp, film));
      const r = await itemAdded();
      assert.equal(r.body.queued.length, 1, JSON.stringify(r.body));
      return r.body.queued[0]!.job;
    };
    waits.waits.length = 0;
    jf.failNext(refresh, 503, 503, 503, 503);
    const down = await redo();
    assert.equal((await settle(s, down)).status, 'succeeded', 'a failed refresh does not fail the job');
    assert.deepEqual(waits.waits, [2_000, 8_000, 30_000]);
    const [warning] = s.t.rt.jobs.get(down).warnings;
    assert.equal(warning?.code, 'E_MEDIA_SERVER');
    assert.match(warning!.message, new RegExp(`^Jellyfin at ${jf.url.replace(/[.]/g, '\\.')} was not told of the new files \\(4 attempts\\): .*answered 503`));

    const rest = await (await fetch(`${s.http.url}/api/jobs/${down}`)).json() as { status: string; warnings: Array<{ code: string; message: string }> };
    assert.equal(rest.status, 'succeeded');
    assert.deepEqual(rest.warnings.map((w) => w.message), [warning!.message]);
    const gql = await (await fetch(`${s.http.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ job(id: "${down}") { status warnings { code message at } } }` }) })).json() as { data: { job: { status: string; warnings: Array<{ code: string; at: string }> } } };
    assert.equal(gql.data.job.status, 'SUCCEEDED');
    assert.equal(gql.data.job.warnings[0]?.code, 'E_MEDIA_SERVER');
    assert.ok(!Number.isNaN(Date.parse(gql.data.job.warnings[0]!.at)));
    const h = s.t.rt.jobs.history(down);
    assert.match(formatJobDetail(h.job, h.runs, h.events), /\nwarnings:\n {2}E_MEDIA_SERVER: Jellyfin at .* was not told of the new files/);

    waits.waits.length = 0;
    jf.failNext(refresh, 401);
    const refused = await redo();
    await settle(s, refused);
    assert.deepEqual(waits.waits, [], 'a refused token is not retried');
    assert.match(s.t.rt.jobs.get(refused).warnings[0]!.message, /\(1 attempt\): .*answered 401 .*refused the token/);
    noSecrets(s, JF_TOKEN, TOKEN);
  } finally {
    await s.close();
    await jf.close();
  }
});

test('a Jellyfin webhook whose server is not configured, or whose item is gone, is refused and queues nothing', async () => {
  const jf = await jellyfin();
  const none = await hookServer(() => ({}), { takeQueued: false });
  try {
    const r = await none.post('jellyfin', jellyfinItemAdded({ serverId: JF_ID, itemId: ITEM }));
    assert.equal(r.status, 422);
    assert.equal(r.body.error?.code, 'E_MEDIA_SERVER_UNKNOWN');
  } finally {
    await none.close();
  }
  const s = await hookServer((library) => ({ mediaServers: [{ kind: 'jellyfin', url: jf.url, token: JF_TOKEN, pathMap: [{ from: '/jf/media', to: library }] }] }), { takeQueued: false });
  try {
    const r = await s.post('jellyfin', jellyfinItemAdded({ serverId: JF_ID, itemId: 'ffffffffffffffffffffffffffffffff' }));
    assert.equal(r.status, 502);
    assert.equal(r.body.error?.code, 'E_MEDIA_SERVER');
    assert.match(r.body.error!.message, /has no item ffff/);
    assert.equal(s.t.rt.store.listJobs().length, 0);
  } finally {
    await s.close();
    await jf.close();
  }
});

test('a whole show announced at once (Jellyfin Series, Plex show): each episode\'s file is queued, and refreshed by path later, not as the show\'s item', async () => {
  const series = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
  const jf = await jellyfin(JF_ID, [
    { Id: series, Name: 'The Show', Type: 'Series', Path: '/jf/media/tv/The Show', IsFolder: true },
    ...[1, 2].map((n) => ({ Id: `${n}`.padStart(32, 'b'), Name: `E${n}`, Type: 'Episode', Path: `/jf/media/tv/The Show/E0${n}.mp4`, ParentId: series })),
  ]);
  const plex = await new FakePlex({
    token: PLEX_TOKEN, machineIdentifier: 'p', sections: [{ key: '2', title: 'TV', type: 'show', locations: ['/plex/data/tv'] }],
    items: [
      { ratingKey: '10', type: 'show', title: 'The Show', files: [], sectionKey: '2' },
      ...[1, 2].map((n) => ({ ratingKey: `1${n}`, type: 'episode' as const, title: `E${n}`, files: [`/plex/data/tv/The Show/E0${n}.mp4`], sectionKey: '2', grandparentRatingKey: '10' })),
    ],
  }).start();
  const s = await hookServer((library) => ({ mediaServers: [
    { kind: 'jellyfin', url: jf.url, token: JF_TOKEN, pathMap: [{ from: '/jf/media', to: library }] },
    { kind: 'plex', url: plex.url, token: PLEX_TOKEN, pathMap: [{ from: '/plex/data', to: library }] },
  ] }), { takeQueued: false });
  try {
    const episodes = await Promise.all([1, 2].map((n) => s.media(`tv/The Show/E0${n}.mp4`)));
    const byJellyfin = await s.post('jellyfin', jellyfinItemAdded({ serverId: JF_ID, itemId: series, itemType: 'Series' }));
    assert.deepEqual(byJellyfin.body.queued.map((q) => q.path), episodes);
    assert.equal(jf.callsTo('GET', '/Items').find((c) => c.query.parentId === series)?.query.includeItemTypes, 'Episode');
    const byPlex = await s.post('plex', plexLibraryNew({ serverUuid: 'p', ratingKey: '10', type: 'show' }));
    assert.deepEqual(byPlex.body.skipped.map((x) => [x.path, x.reason]), episodes.map((e) => [e, 'a job on this file is already queued or running']));
    assert.equal(plex.callsTo('GET', '/library/metadata/10/allLeaves').length, 1);
    for (const job of s.t.rt.store.listJobs()) assert.equal(job.options.mediaItem, undefined, 'a show\'s id is not the episode\'s item');
  } finally {
    await s.close();
    await jf.close();
    await plex.close();
  }
});
