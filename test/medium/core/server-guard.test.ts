/**
 * The HTTP server's guard, on a real server (port 0) over a real runtime: API keys when it
 * listens beyond loopback, the Host check against DNS rebinding, CORS, the JSON body limit.
 * "Beyond loopback" is the listen address (0.0.0.0), so a client on 127.0.0.1 is held to it too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { bindHttp, type BoundHttp } from '../../../core/cli/serve.js';
import type { Config, DeepPartial } from '../../../core/config/schema.js';
import { createHttpApp } from '../../../core/http/app.js';
import { testRuntime, type TestRuntime } from './harness.js';

async function server(o: DeepPartial<Config['server']>): Promise<{ t: TestRuntime; http: BoundHttp; base: string; close(): Promise<void> }> {
  const t = await testRuntime({}, { server: { port: 0, ...o } });
  const http = await bindHttp(t.rt.config.server);
  http.mount(createHttpApp(t.rt));
  const port = new URL(http.url).port;
  return { t, http, base: `http://127.0.0.1:${port}`, async close() { await http.close(); await t.close(); } };
}

/** node:http, because fetch will not send a Host header of our choosing. */
function get(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const codeOf = async (r: Response) => ((await r.json()) as { error?: { code: string } }).error?.code;

test('beyond loopback: no key or a wrong key is 401, /healthz needs none, both headers carry a key, a revoked key stops at once', async () => {
  const s = await server({ host: '0.0.0.0' });
  try {
    const { key, id } = s.t.rt.apiKeys.create('tests');
    for (const path of ['/readyz', '/metrics', '/api/jobs', '/no-such-page']) {
      const none = await fetch(s.base + path);
      assert.equal(none.status, 401, path);
      assert.equal(await codeOf(none), 'E_API_KEY_REQUIRED');
      assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
      const wrong = await fetch(s.base + path, { headers: { authorization: `Bearer ${key}x` } });
      assert.equal(wrong.status, 401, path);
    }
    const health = await fetch(`${s.base}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { ok: boolean }).ok, true);

    assert.equal((await fetch(`${s.base}/api/jobs`, { headers: { authorization: `Bearer ${key}` } })).status, 200);
    assert.equal((await fetch(`${s.base}/api/jobs`, { headers: { 'x-api-key': key } })).status, 200);
    assert.ok(s.t.rt.apiKeys.list()[0]!.lastUsedAt! > 0, 'last use recorded');

    s.t.rt.apiKeys.revoke(id);
    assert.equal((await fetch(`${s.base}/api/jobs`, { headers: { 'x-api-key': key } })).status, 401);
  } finally {
    await s.close();
  }
});

test('on loopback no key is needed, unless server.requireApiKey says so', async () => {
  const open = await server({ host: '127.0.0.1' });
  try {
    assert.equal((await fetch(`${open.base}/api/jobs`)).status, 200);
  } finally {
    await open.close();
  }
  const strict = await server({ host: '127.0.0.1', requireApiKey: true });
  try {
    const { key } = strict.t.rt.apiKeys.create('tests');
    assert.equal((await fetch(`${strict.base}/api/jobs`)).status, 401);
    assert.equal((await fetch(`${strict.base}/healthz`)).status, 200);
    assert.equal((await fetch(`${strict.base}/api/jobs`, { headers: { 'x-api-key': key } })).status, 200);
  } finally {
    await strict.close();
  }
});

test('a foreign Host header is refused with 403 E_HOST_NOT_ALLOWED; IPs, localhost and server.allowedHosts pass', async () => {
  const s = await server({ host: '127.0.0.1', allowedHosts: ['dubarr.home.arpa', '.example.org'] });
  try {
    const port = new URL(s.base).port;
    const evil = await get(`${s.base}/healthz`, { host: `evil.example:${port}` });
    assert.equal(evil.status, 403);
    assert.equal((JSON.parse(evil.body) as { error: { code: string } }).error.code, 'E_HOST_NOT_ALLOWED');
    assert.equal((await get(`${s.base}/api/jobs`, { host: 'example.org.evil.example' })).status, 403);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'app.localhost', '192.168.1.20:7878', '[::1]:7878', 'dubarr.home.arpa', 'dubarr.home.arpa:80', 'media.example.org', 'example.org']) {
      assert.equal((await get(`${s.base}/healthz`, { host })).status, 200, host);
    }
  } finally {
    await s.close();
  }
});

test('CORS: only the configured origins get the headers; a preflight is answered before the key check', async () => {
  const s = await server({ host: '0.0.0.0', cors: { origins: ['https://app.example.org'] } });
  try {
    s.t.rt.apiKeys.create('tests');
    const preflight = await fetch(`${s.base}/api/jobs`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.org', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-api-key' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://app.example.org');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /X-Api-Key/i);
    const other = await fetch(`${s.base}/healthz`, { headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  } finally {
    await s.close();
  }
  const none = await server({ host: '127.0.0.1' });
  try {
    const r = await fetch(`${none.base}/healthz`, { headers: { origin: 'https://app.example.org' } });
    assert.equal(r.headers.get('access-control-allow-origin'), null, 'no origins configured: no CORS');
  } finally {
    await none.close();
  }
});

test('a body over server.maxRequestBytes is refused with 413 E_REQUEST_TOO_LARGE; /uploads and the streamed multipart posts are left to their own limit', async () => {
  const s = await server({ host: '127.0.0.1', maxRequestBytes: 1024 });
  try {
    const big = JSON.stringify({ query: 'x'.repeat(2048) });
    const r = await fetch(`${s.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    assert.equal(r.status, 413);
    assert.equal(await codeOf(r), 'E_REQUEST_TOO_LARGE');
    const small = await fetch(`${s.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(small.status, 400, 'a small body reaches the route, which finds it lacks a path');
    assert.equal(await codeOf(small), 'E_INVALID_ARGUMENT');
    // Not refused by the JSON limit: it reaches tus, which wants its own headers (412 without Tus-Resumable).
    const upload = await fetch(`${s.base}/uploads`, { method: 'POST', body: 'y'.repeat(4096) });
    assert.equal(upload.status, 412, 'reaches the tus server, not the JSON limit');
    // A multipart body is left to server.maxUploadBytes only where its file streams to disk (it
    // reaches the job door, which finds no file in it); elsewhere it is a body like any other.
    const form = () => { const f = new FormData(); f.append('note', 'z'.repeat(4096)); return f; };
    const toJobs = await fetch(`${s.base}/api/jobs`, { method: 'POST', body: form() });
    assert.equal(await codeOf(toJobs), 'E_INVALID_ARGUMENT', 'reaches the job door');
    for (const path of ['/graphql', '/api/jobs/abc/cancel', '/api/jobs/abc']) {
      const r = await fetch(`${s.base}${path}`, { method: 'POST', body: form() });
      assert.equal(await codeOf(r), 'E_REQUEST_TOO_LARGE', path);
    }
  } finally {
    await s.close();
  }
});
