/**
 * What the webhooks let in, against a real server: hooks.token (in the URL or a header; 401
 * without it, 503 while none is set, on loopback and where API keys are required), malformed
 * payloads (400 with the reason), paths outside server.mediaRoots or missing (403, 404 naming
 * the path map), duplicate deliveries (one job per file while it is queued), and no token in any
 * log line. None of the refused requests queues anything. The server takes no jobs here, so
 * the queued ones stay queued.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { sonarrV3Download, sonarrV4Download } from '../../fixtures/webhook-payloads.js';
import { hookServer, TOKEN } from './hooks-harness.js';

const ep = { relativePath: 'Season 01/E01.mp4', path: '/tv/The Show/Season 01/E01.mp4' };

test('hooks.token: missing or wrong is 401, in the URL or the X-Dubarr-Token header it passes; none of the refused requests queues a job; no log line holds the token', async () => {
  const s = await hookServer((library) => ({ hooks: { pathMap: [{ from: '/tv', to: library }] } }), { takeQueued: false });
  try {
    await s.media('The Show/Season 01/E01.mp4');
    const body = sonarrV3Download('/tv/The Show', ep);
    for (const [token, header] of [[null, false], ['wrong-token-0123456789abcdef', false], ['wrong-token-0123456789abcdef', true], ['', false], [TOKEN.slice(0, -1), false]] as const) {
      const r = await s.post('sonarr', body, { token, header });
      assert.equal(r.status, 401, `token ${String(token)}`);
      assert.equal(r.body.error?.code, 'E_HOOK_TOKEN');
      assert.match(r.body.error!.hint, /\?token=/);
    }
    assert.equal(s.t.rt.store.listJobs().length, 0, 'a refused request queues nothing');
    const ok = await s.post('sonarr', body, { header: true });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.queued.length, 1);
    const byUrl = await s.post('sonarr', sonarrV4Download('/tv/The Show', ep));
    assert.equal(byUrl.status, 200);
    assert.deepEqual(byUrl.body.skipped.map((x) => x.reason), ['a job on this file is already queued or running']);
    const browse = await fetch(`${s.http.url}/hooks/sonarr?token=${TOKEN}`);
    assert.equal(browse.status, 400, 'a GET is no webhook');
    const unknown = await fetch(`${s.http.url}/hooks/sickbeard?token=${TOKEN}`, { method: 'POST', body: '{}' });
    assert.equal(unknown.status, 400);
    assert.equal(s.t.rt.store.listJobs().length, 1);
    assert.ok(s.logLines.some((l) => l.includes('webhook refused: token')), 'refusals are logged');
    assert.deepEqual(s.logLines.filter((l) => l.includes(TOKEN) || l.includes('wrong-token')), [], 'no token in the log');
  } finally {
    await s.close();
  }
});

test('hooks.token unset: every webhook answers 503 with how to set it; where API keys are required, a webhook needs its token and no key, and the token opens nothing else', async () => {
  const off = await hookServer(() => ({ hooks: { token: '' } }), { takeQueued: false });
  try {
    const r = await off.post('path', { path: '/x.mkv' });
    assert.equal(r.status, 503);
    assert.equal(r.body.error?.code, 'E_HOOKS_OFF');
    assert.match(r.body.error!.hint, /DUBARR_HOOKS_TOKEN/);
  } finally {
    await off.close();
  }

  const s = await hookServer(() => ({ server: { requireApiKey: true } }), { takeQueued: false });
  try {
    const file = await s.media('A.mp4');
    const { key } = s.t.rt.apiKeys.create('script');
    const hooked = await s.post('path', { path: file });
    assert.equal(hooked.status, 200, JSON.stringify(hooked.body));
    assert.equal(hooked.body.queued.length, 1);
    const withKeyOnly = await fetch(`${s.http.url}/hooks/path`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ path: file }) });
    assert.equal(withKeyOnly.status, 401, 'an API key is not the hook token');
    const api = await fetch(`${s.http.url}/api/jobs?token=${TOKEN}`, { headers: { 'x-dubarr-token': TOKEN } });
    assert.equal(api.status, 401, 'the hook token is not an API key');
    assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'E_API_KEY_REQUIRED');
    assert.equal((await fetch(`${s.http.url}/api/jobs`, { headers: { authorization: `Bearer ${key}` } })).status, 200);
  } finally {
    await s.close();
  }
});

test('malformed payloads are 400 with the reason; a path outside server.mediaRoots is 403, a missing file 404 naming what was sent; none queues a job', async () => {
  const s = await hookServer((library) => ({ hooks: { pathMap: [{ from: '/tv', to: library }] } }), { takeQueued: false });
  try {
    const cases: Array<[string, string, number, RegExp]> = [
      ['sonarr', '{"eventType": "Download"', 400, /not JSON/],
      ['sonarr', JSON.stringify({ eventType: 'Download', series: { path: '/tv/x' } }), 400, /without episodeFile or episodeFiles/],
      ['radarr', JSON.stringify({ movie: {} }), 400, /eventType/],
      ['jellyfin', JSON.stringify({ NotificationType: 'ItemAdded' }), 400, /ItemId/],
      ['path', JSON.stringify({ path: 7 }), 400, /path/],
      ['path', '', 400, /empty/],
    ];
    for (const [hook, raw, status, message] of cases) {
      const r = await s.post(hook, undefined, { raw });
      assert.equal(r.status, status, `${hook} ${raw}`);
      assert.equal(r.body.error?.code, 'E_INVALID_ARGUMENT');
      assert.match(r.body.error!.message, message);
    }
    const outside = await s.post('path', { path: '/etc/passwd' });
    assert.equal(outside.status, 403);
    assert.equal(outside.body.error?.code, 'E_PATH_NOT_ALLOWED');
    const missing = await s.post('sonarr', sonarrV3Download('/tv/Gone', ep));
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error?.code, 'E_INPUT_NOT_FOUND');
    assert.match(missing.body.error!.message, /mapped from "\/tv\/Gone\/Season 01\/E01\.mp4".*hooks\.pathMap/);
    const unmapped = await s.post('path', { path: 'D:\\TV\\E01.mp4' });
    assert.equal(unmapped.status, 403);
    assert.match(unmapped.body.error!.message, /not a path on this machine.*no pathMap entry matched/);
    assert.equal(s.t.rt.store.listJobs().length, 0);
  } finally {
    await s.close();
  }
});

test('one file delivered again while its job is queued, and six times at once, gets one job; our own dubbed version is never queued', async () => {
  const s = await hookServer((library) => ({ hooks: { pathMap: [{ from: '/tv', to: library }] } }), { takeQueued: false });
  try {
    const a = await s.media('The Show/Season 01/E01.mp4');
    const b = await s.media('The Show/Season 01/E02.mp4');
    const first = await s.post('sonarr', sonarrV3Download('/tv/The Show', ep));
    const again = await s.post('sonarr', sonarrV3Download('/tv/The Show', ep));
    assert.deepEqual(again.body.skipped, [{ path: a, reason: 'a job on this file is already queued or running', job: first.body.queued[0]!.job }]);

    const burst = await Promise.all(Array.from({ length: 6 }, () => s.post('path', { path: b })));
    assert.ok(burst.every((r) => r.status === 200));
    assert.equal(burst.flatMap((r) => r.body.queued).length, 1, JSON.stringify(burst.map((r) => r.body)));
    assert.equal(burst.flatMap((r) => r.body.skipped).length, 5);
    assert.deepEqual(s.t.rt.store.listJobs().map((j) => j.input).sort(), [a, b].sort());

    // A dubbed version beside it (a file named as ours): never a job of its own.
    const dub = await s.media('The Show/Season 01/E02 - dub es.mp4');
    const own = await s.post('path', { path: dub });
    assert.deepEqual(own.body.skipped, [{ path: realpathSync(dub), reason: 'dubarr wrote this file' }]);
    assert.equal(s.t.rt.store.listJobs().length, 2);
    assert.ok(!JSON.stringify(s.t.rt.store.listJobs()).includes(join(s.library, 'The Show/Season 01/E02 - dub es.mp4')));
  } finally {
    await s.close();
  }
});
