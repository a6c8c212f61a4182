/**
 * What the web page needs from the server, on a real server listening beyond loopback (an API
 * key required): its files answer without a key (and nothing else does), the key cookie it sets
 * opens artifact reads only, and the read-only catalog it fills its form from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindHttp } from '../../../core/cli/serve.js';
import { createHttpApp } from '../../../core/http/app.js';
import { testRuntime } from './harness.js';

async function server() {
  const t = await testRuntime({}, { server: { host: '0.0.0.0', port: 0 } });
  const http = await bindHttp(t.rt.config.server);
  http.mount(createHttpApp(t.rt));
  const base = `http://127.0.0.1:${new URL(http.url).port}`;
  const { key } = t.rt.apiKeys.create('page');
  return { t, base, key, async close() { await http.close(); await t.close(); } };
}

test('the page\'s files answer without a key, with their types, a CSP and an ETag; other paths still need the key', async () => {
  const s = await server();
  try {
    const page = await fetch(`${s.base}/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.match(await page.text(), /<script type="module" src="\/web\/main\.js">/);
    for (const [path, type] of [['/web/main.js', 'text/javascript'], ['/web/uploader.js', 'text/javascript'], ['/web/vendor/tus.min.js', 'text/javascript'], ['/web/style.css', 'text/css']]) {
      const r = await fetch(s.base + path);
      assert.equal(r.status, 200, path);
      assert.equal(r.headers.get('content-type')?.split(';')[0], type, path);
      const again = await fetch(s.base + path, { headers: { 'if-none-match': r.headers.get('etag')! } });
      assert.equal(again.status, 304, `${path} revalidates by ETag`);
    }
    for (const path of ['/web/', '/web/tsconfig.json', '/web/main.ts', '/web/%2e%2e/package.json', '/index.html', '/api/jobs', '/api/presets']) {
      assert.equal((await fetch(s.base + path)).status, 401, path);
    }
  } finally {
    await s.close();
  }
});

test('the page\'s key cookie opens artifact reads (GET, HEAD) and nothing else', async () => {
  const s = await server();
  try {
    const cookie = { cookie: `other=1; dubarr_key=${s.key}` };
    const artifact = `${s.base}/api/jobs/abc123/artifacts/x.mp4`;
    // Past the key check: the job does not exist.
    assert.equal((await fetch(artifact, { headers: cookie })).status, 404);
    assert.equal((await fetch(artifact, { method: 'HEAD', headers: cookie })).status, 404);
    assert.equal((await fetch(artifact, { headers: { cookie: `dubarr_key=${s.key}x` } })).status, 401, 'a wrong key in the cookie');
    assert.equal((await fetch(artifact)).status, 401);
    for (const [method, path] of [['GET', '/api/jobs'], ['GET', '/api/jobs/abc123'], ['GET', '/api/jobs/abc123/artifacts'], ['DELETE', '/api/jobs/abc123'], ['POST', '/api/jobs/abc123/cancel'], ['GET', '/metrics']]) {
      assert.equal((await fetch(s.base + path, { method, headers: cookie })).status, 401, `${method} ${path}`);
    }
  } finally {
    await s.close();
  }
});

test('catalog: presets with descriptions and capabilities, a row per provider and capability, the language pairs with their translators and voices', async () => {
  const s = await server();
  try {
    const get = async <T>(path: string) => {
      const r = await fetch(s.base + path, { headers: { 'x-api-key': s.key } });
      assert.equal(r.status, 200, path);
      return ((await r.json()) as { items: T[] }).items;
    };
    const presets = await get<{ name: string; description: string; capabilities: string[] }>('/api/presets');
    const dub = presets.find((p) => p.name === 'dub');
    assert.ok(dub?.description, 'the dub preset, described');
    assert.ok(dub.capabilities.includes('synthesize'), 'the page tells a dub from a subtitles-only preset by its capabilities');

    const providers = await get<{ name: string; capability: string; available: boolean; reason: string | null }>('/api/providers');
    assert.deepEqual(providers.filter((p) => p.name === 'apertium').map((p) => [p.capability, p.available, p.reason]), [['translate', true, null]]);
    const translators = await get<{ name: string; capability: string }>('/api/providers?capability=translate');
    assert.ok(translators.length > 0 && translators.every((p) => p.capability === 'translate'));

    // Setup installs apertium-eng-spa and espeak-ng: English to Spanish is possible, with a voice.
    const pairs = await get<{ source: string; target: string; translators: string[]; voices: string[] }>('/api/languages');
    const enEs = pairs.find((p) => p.source === 'en' && p.target === 'es');
    assert.ok(enEs, JSON.stringify(pairs));
    assert.deepEqual(enEs.translators, ['apertium']);
    assert.ok(enEs.voices.includes('espeak-ng'));
  } finally {
    await s.close();
  }
});
