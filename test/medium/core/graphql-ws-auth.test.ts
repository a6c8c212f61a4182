/**
 * The WebSocket door's own guard (an upgrade does not pass through hono): a real server
 * listening beyond loopback (0.0.0.0) needs an API key, in the upgrade's headers or, for
 * browsers, in connection_init's payload; a foreign Host or a foreign page's Origin is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { gqlServer, wsClient, type GqlResult, type GqlServer } from './graphql-harness.js';
import { testRuntime } from './harness.js';

const SYSTEM = '{ system { version } }';

/** The HTTP status an upgrade gets, or 101 when it becomes a WebSocket (then closed at once). */
function upgradeStatus(s: GqlServer, headers: Record<string, string>, path = '/graphql'): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${s.base.replace('http', 'ws')}${path}`, 'graphql-transport-ws', { headers });
    ws.once('unexpected-response', (_req, res) => { resolve(res.statusCode!); res.resume(); });
    ws.once('open', () => { ws.close(); resolve(101); });
    ws.once('error', (e) => { if (!/Unexpected server response/.test(e.message)) reject(e); });
  });
}

/** A query over graphql-ws: its result, or the close code the server ended the connection with. */
async function wsQuery(s: GqlServer, o: Parameters<typeof wsClient>[1]): Promise<GqlResult | { closeCode: number }> {
  const client = wsClient(s, o);
  try {
    return await new Promise((resolve, reject) => {
      client.subscribe({ query: SYSTEM }, {
        next: (r) => resolve(r as GqlResult),
        error: (e) => ((e as { code?: number }).code !== undefined ? resolve({ closeCode: (e as { code: number }).code }) : reject(e)),
        complete: () => {},
      });
    });
  } finally {
    await client.dispose();
  }
}

test('beyond loopback: GraphQL over HTTP and over WebSocket needs a key; a WebSocket takes it in its headers or in connection_init', async () => {
  const t = await testRuntime({}, { server: { host: '0.0.0.0' } }, { takeQueued: false });
  const s = await gqlServer(t);
  try {
    const { key, id } = t.rt.apiKeys.create('tests');
    const http = await fetch(`${s.base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: SYSTEM }) });
    assert.equal(http.status, 401);
    assert.ok((await s.gql<{ system: { version: string } }>(SYSTEM, {}, { authorization: `Bearer ${key}` })).data?.system.version);

    assert.deepEqual(await wsQuery(s, {}), { closeCode: 4403 }, 'no key: closed as forbidden');
    assert.deepEqual(await wsQuery(s, { connectionParams: { apiKey: `${key}x` } }), { closeCode: 4403 }, 'a wrong key in connection_init');
    assert.equal(await upgradeStatus(s, { 'x-api-key': `${key}x` }), 401, 'a wrong key in the headers: the upgrade is refused');

    const viaInit = await wsQuery(s, { connectionParams: { apiKey: key } }) as GqlResult<{ system: { version: string } }>;
    assert.ok(viaInit.data?.system.version, JSON.stringify(viaInit));
    const viaHeader = await wsQuery(s, { headers: { authorization: `Bearer ${key}` } }) as GqlResult<{ system: { version: string } }>;
    assert.ok(viaHeader.data?.system.version, JSON.stringify(viaHeader));

    t.rt.apiKeys.revoke(id);
    assert.deepEqual(await wsQuery(s, { connectionParams: { apiKey: key } }), { closeCode: 4403 }, 'a revoked key');
  } finally {
    await s.close();
    await t.close();
  }
});

test('the upgrade checks the Host header (DNS rebinding), the Origin of browser pages, and its path', async () => {
  const t = await testRuntime({}, { server: { cors: { origins: ['https://app.example.org'] } } }, { takeQueued: false });
  const s = await gqlServer(t);
  try {
    const port = new URL(s.base).port;
    assert.equal(await upgradeStatus(s, {}), 101, 'on loopback no key is needed');
    assert.equal(await upgradeStatus(s, { host: `evil.example:${port}` }), 403);
    assert.equal(await upgradeStatus(s, { origin: 'https://evil.example' }), 403, 'a foreign page');
    assert.equal(await upgradeStatus(s, { origin: `http://127.0.0.1:${port}` }), 101, 'the same origin');
    assert.equal(await upgradeStatus(s, { origin: 'https://app.example.org' }), 101, 'an origin in server.cors.origins');
    assert.equal(await upgradeStatus(s, {}, '/other'), 400);
  } finally {
    await s.close();
    await t.close();
  }
});
