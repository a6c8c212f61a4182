import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { defaultConfig } from '../config/schema.js';
import { hostAllowed } from '../http/request-guard.js';
import { apiKeyRequired, assertServableWith, isLoopbackAddress } from './exposure.js';

const server = (o: Partial<ReturnType<typeof defaultConfig>['server']>) => ({ ...defaultConfig().server, ...o });

test('loopback is 127/8, ::1 and localhost; 0.0.0.0, :: and other addresses are beyond it', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', 'app.localhost', '::ffff:127.0.0.1']) assert.ok(isLoopbackAddress(h), h);
  for (const h of ['0.0.0.0', '::', '192.168.1.2', '10.0.0.1', 'dubarr.lan', 'localhost.evil.example', '128.0.0.1']) assert.ok(!isLoopbackAddress(h), h);
});

test('keys are required beyond loopback or when server.requireApiKey is set; serve refuses to start without one', () => {
  assert.equal(apiKeyRequired(server({ host: '127.0.0.1' })), false);
  assert.equal(apiKeyRequired(server({ host: '0.0.0.0' })), true);
  assert.equal(apiKeyRequired(server({ host: '127.0.0.1', requireApiKey: true })), true);
  assert.doesNotThrow(() => assertServableWith(server({ host: '127.0.0.1' }), 0));
  assert.doesNotThrow(() => assertServableWith(server({ host: '0.0.0.0' }), 1));
  assert.throws(() => assertServableWith(server({ host: '0.0.0.0' }), 0),
    (e: DubarrError) => e.code === 'E_API_KEY_REQUIRED' && /0\.0\.0\.0/.test(e.message) && /dubarr keys create --name/.test(e.message));
  assert.throws(() => assertServableWith(server({ requireApiKey: true }), 0), (e: DubarrError) => /requireApiKey/.test(e.message));
});

test('Host check: IP literals and localhost pass, other names only when listed (a leading dot allows subdomains)', () => {
  const names = ['0.0.0.0', 'dubarr.lan', '.example.org'];
  for (const h of ['127.0.0.1:7878', '192.168.1.2', '[::1]:7878', '[fe80::1]', 'localhost:7878', 'x.localhost', 'dubarr.lan', 'DUBARR.LAN:7878', 'dubarr.lan.', 'example.org', 'a.b.example.org']) {
    assert.ok(hostAllowed(h, names), h);
  }
  for (const h of ['evil.example', 'dubarr.lan.evil.example', 'notexample.org', 'example.org.evil.example', 'localhost.evil.example']) {
    assert.ok(!hostAllowed(h, names), h);
  }
});
