/**
 * DeepL's failure modes, each from the contract server: the right coded error, a bounded
 * number of requests, a translation never sent twice when it may have been billed, and the
 * API key in no error and no log line.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Act } from '../sdk/fault-server.testkit.js';
import { FAULTS, startDeeplServer, type DeeplContractServer, type Route } from './contract-server.testkit.js';
import plugin from './index.js';
import { sum, translateWith, type DeeplRun, type RunOpts } from './stage-run.testkit.js';

const KEY = 'f00dbabe-1234-4abc-9def-0123456789ab:fx';
const lines = ['Where were you last night?', 'I was at the house.'];
/** Every run of this file, so the last test can look for the key in all they said. */
const runs: DeeplRun[] = [];
const opened: DeeplContractServer[] = [];
after(() => Promise.all(opened.map((s) => s.close())));

async function withFault(route: Route, act: Act, times: number, o: RunOpts = {}) {
  const server = await startDeeplServer({ key: KEY });
  opened.push(server);
  server.inject(route, act, times);
  const run = await translateWith(server, lines, { ...o, options: { maxAttempts: 3, ...o.options } });
  runs.push(run);
  return { server, run };
}

test('403, a refused key: E_PROVIDER_AUTH at once, nothing billed', async () => {
  const server = await startDeeplServer({ key: KEY });
  opened.push(server);
  const run = await translateWith(server, lines, { options: { apiKey: 'wrong-key-0000:fx' } });
  runs.push(run);
  assert.equal(run.error?.code, 'E_PROVIDER_AUTH', run.error?.message);
  assert.match(run.error!.message, /403/);
  assert.equal(server.count('translate'), 1, 'not retried');
  assert.equal(server.billedCharacters(), 0);
  assert.equal(sum(run.cost, 'settled'), 0);
  assert.ok(!run.error!.message.includes('wrong-key-0000'));
});

test('456, quota exceeded: E_PROVIDER_QUOTA at once', async () => {
  const { server, run } = await withFault('translate', FAULTS.quota, 1);
  assert.equal(run.error?.code, 'E_PROVIDER_QUOTA', run.error?.message);
  assert.match(run.error!.message, /456/);
  assert.equal(server.count('translate'), 1);
  assert.equal(sum(run.cost, 'settled'), 0);
  assert.ok(run.cost.every((e) => e.state === 'released'));
});

test('429 with Retry-After: waits, sends again, bills once', async () => {
  const { server, run } = await withFault('translate', FAULTS.rateLimited(1), 1);
  assert.equal(run.error, undefined, run.error?.message);
  assert.equal(server.count('translate'), 2);
  assert.equal(server.translated.length, 1);
  assert.ok(run.logs.some((l) => /retrying after .*429/.test(l.msg ?? '') && (l.obj as { serverAsked?: boolean }).serverAsked === true));
});

test('429 without Retry-After, again and again: E_PROVIDER_RATE_LIMITED after maxAttempts requests', async () => {
  const { server, run } = await withFault('translate', FAULTS.rateLimited(), 10);
  assert.equal(run.error?.code, 'E_PROVIDER_RATE_LIMITED', run.error?.message);
  assert.equal(run.error?.retryable, true);
  assert.equal(server.count('translate'), 3);
  assert.equal(server.translated.length, 0);
});

test('a 5xx burst on a translation: not sent blind again (it may have been billed); the job retries', async () => {
  const { server, run } = await withFault('translate', FAULTS.serverError, 3);
  assert.equal(run.error?.code, 'E_PROVIDER_FAILED', run.error?.message);
  assert.equal(run.error?.retryable, true);
  assert.equal(server.count('translate'), 1);
});

test('503 with Retry-After says nothing was done: a translation is sent again', async () => {
  const { server, run } = await withFault('translate', FAULTS.unavailable(0), 2);
  assert.equal(run.error, undefined, run.error?.message);
  assert.equal(server.count('translate'), 3);
  assert.equal(server.translated.length, 1);
});

test('a 5xx burst on a look-up (the glossary list) is retried within bounds', async () => {
  const { server, run } = await withFault('glossaries.list', FAULTS.serverError, 2, { params: { glossary: [{ term: 'house', translation: 'casa' }] } });
  assert.equal(run.error, undefined, run.error?.message);
  assert.equal(server.count('glossaries.list'), 3);
  assert.equal(server.count('glossaries.create'), 1);
  const burst = await withFault('glossaries.list', FAULTS.serverError, 10, { params: { glossary: [{ term: 'house', translation: 'casa' }] } });
  assert.equal(burst.run.error?.code, 'E_PROVIDER_FAILED');
  assert.equal(burst.server.count('glossaries.list'), 3, 'maxAttempts');
  assert.equal(burst.server.count('translate'), 0);
});

test('an answer slower than the timeout: E_PROVIDER_FAILED, the translation not sent again', async () => {
  // The server never answers; the client's own timeout ends the request.
  const { server, run } = await withFault('translate', FAULTS.slow, 5, { options: { timeoutMs: 200 } });
  assert.equal(run.error?.code, 'E_PROVIDER_FAILED', run.error?.message);
  assert.match(run.error!.message, /did not answer within 0.2 s/);
  assert.equal(server.count('translate'), 1);
  server.release();
});

test('malformed JSON: E_PROVIDER_FAILED, the body not echoed, not sent again', async () => {
  const { server, run } = await withFault('translate', FAULTS.malformedJson, 5);
  assert.equal(run.error?.code, 'E_PROVIDER_FAILED', run.error?.message);
  assert.match(run.error!.message, /not valid JSON/);
  assert.ok(!run.error!.message.includes('Hal'));
  assert.equal(server.count('translate'), 1);
});

test('a server that echoes the key in its error: the key is redacted', async () => {
  const { run } = await withFault('translate', { status: 403, body: { message: `The key ${KEY} was revoked` } }, 1);
  assert.equal(run.error?.code, 'E_PROVIDER_AUTH');
  assert.match(run.error!.message, /The key \[redacted\] was revoked/);
});

test('no key: the stage says which option to set; available() says so without the network', async () => {
  const server = await startDeeplServer({ key: KEY });
  opened.push(server);
  const run = await translateWith(server, lines, { options: { apiKey: undefined } });
  runs.push(run);
  assert.equal(run.error?.code, 'E_PROVIDER_UNAVAILABLE');
  assert.match(run.error!.message, /plugins\.options\.deepl\.apiKey/);
  assert.equal(server.requests.length, 0);
  const a = await plugin.available!(plugin.options.parse({ baseUrl: 'http://127.0.0.1:9' }));
  assert.equal(a.ok, false);
  assert.match(a.reason!, /DUBARR_PLUGINS_OPTIONS_DEEPL__API_KEY/);
});

test('the key appears in no error, no error detail and no log line of any run above', () => {
  assert.ok(runs.length >= 10);
  for (const r of runs) {
    const said = JSON.stringify({ message: r.error?.message, details: r.error?.details, stack: r.error?.stack, logs: r.logs });
    assert.ok(!said.includes(KEY) && !said.includes(KEY.slice(0, 18)), `the key leaked: ${said}`);
  }
  assert.ok(runs.some((r) => r.logs.length > 0), 'some runs logged');
});
