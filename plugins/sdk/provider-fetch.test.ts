import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { DubarrError, type ErrorCode } from './errors.js';
import { fakeClock, startFaultServer, type Act } from './fault-server.testkit.js';
import { providerFetch, type ProviderRequest } from './provider-fetch.js';

const KEY = 'sk-test-0123456789abcdef0123';
let providerSeq = 0;

/** A request with a fresh provider name (so limits never carry over between tests) and a fake clock. */
function request(url: string, over: Partial<ProviderRequest> = {}) {
  const clock = fakeClock();
  const retries: Array<{ attempt: number; waitMs: number; serverAsked: boolean }> = [];
  const req: ProviderRequest = {
    provider: `p${++providerSeq}`,
    url: `${url}/v1/thing`,
    headers: { authorization: `Bearer ${KEY}` },
    idempotent: true,
    secrets: [KEY],
    clock,
    policy: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 10_000, timeoutMs: 10_000 },
    onRetry: (e) => retries.push({ attempt: e.attempt, waitMs: e.waitMs, serverAsked: e.serverAsked }),
    ...over,
  };
  return { req, clock, retries };
}

async function codeOf(p: Promise<unknown>): Promise<DubarrError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DubarrError, `a coded error, not ${String(e)}`);
    assert.ok(!e.message.includes(KEY) && !JSON.stringify(e.details ?? {}).includes(KEY), `the key leaked: ${e.message}`);
    return e;
  }
  assert.fail('the request should have failed');
}

async function withServer(script: Act[], fn: (url: string, s: Awaited<ReturnType<typeof startFaultServer>>) => Promise<void>) {
  const s = await startFaultServer(script);
  try { await fn(s.url, s); } finally { await s.close(); }
}

test('429 with Retry-After: waits exactly what the server asked, then succeeds; even a non-idempotent create is sent again', async () => {
  await withServer([{ status: 429, headers: { 'retry-after': '1' } }, { status: 429, headers: { 'retry-after-ms': '20' } }, { status: 200, body: { ok: true } }], async (url, s) => {
    const { req, clock, retries } = request(url, { method: 'POST', body: '{"text":"hi"}', idempotent: false, expectJson: true });
    const res = await providerFetch(req);
    assert.deepEqual(res.json, { ok: true });
    assert.equal(res.attempts, 3);
    assert.equal(s.requests.length, 3);
    assert.deepEqual(clock.waits, [1000, 20]);
    assert.ok(retries.every((r) => r.serverAsked));
  });
});

test('429 without Retry-After: full-jitter backoff, bounded attempts, then E_PROVIDER_RATE_LIMITED', async () => {
  await withServer([{ status: 429, body: { error: { message: 'Rate limit reached' } } }], async (url, s) => {
    const { req, clock } = request(url);
    const e = await codeOf(providerFetch(req));
    assert.equal(e.code satisfies ErrorCode, 'E_PROVIDER_RATE_LIMITED');
    assert.equal(e.retryable, true, 'the job retries it later');
    assert.match(e.message, /429.*Rate limit reached.*after 3 attempts/);
    assert.equal(s.requests.length, 3, 'maxAttempts bounds the requests');
    assert.deepEqual(clock.waits, [50, 100], 'random 0.5 of 100 ms, then of 200 ms');
  });
});

test('a rate-limit reset header is honoured when Retry-After is missing', async () => {
  await withServer([{ status: 429, headers: { 'x-ratelimit-reset-requests': '2s', 'x-ratelimit-reset-tokens': '45.5s' } }, { status: 200, body: 'ok' }], async (url) => {
    const { req, clock } = request(url);
    await providerFetch(req);
    assert.deepEqual(clock.waits, [45_500], 'the longer of the two resets');
  });
});

test('a server wait longer than the stage waits fails at once with the retryable code', async () => {
  await withServer([{ status: 429, headers: { 'retry-after': '3600' } }, { status: 200 }], async (url, s) => {
    const { req, clock } = request(url, { policy: { maxAttempts: 5, maxServerWaitMs: 60_000 } });
    const e = await codeOf(providerFetch(req));
    assert.equal(e.code, 'E_PROVIDER_RATE_LIMITED');
    assert.match(e.message, /wait 3600 s/);
    assert.equal(s.requests.length, 1);
    assert.deepEqual(clock.waits, []);
  });
});

test('a burst of 5xx is retried for an idempotent request until it passes', async () => {
  await withServer([{ status: 500 }, { status: 502 }, { status: 504 }, { status: 200, body: { n: 1 } }], async (url, s) => {
    const { req, clock } = request(url, { expectJson: true, policy: { maxAttempts: 4, baseDelayMs: 100 } });
    const res = await providerFetch(req);
    assert.deepEqual(res.json, { n: 1 });
    assert.equal(s.requests.length, 4);
    assert.deepEqual(clock.waits, [50, 100, 200]);
  });
});

test('a 5xx burst longer than maxAttempts ends in E_PROVIDER_FAILED after exactly maxAttempts requests', async () => {
  await withServer([{ status: 503 }], async (url, s) => {
    const { req } = request(url);
    const e = await codeOf(providerFetch(req));
    assert.equal(e.code, 'E_PROVIDER_FAILED');
    assert.equal(s.requests.length, 3);
  });
});

test('a non-idempotent create is not retried after a 5xx (it may have spent), but is after a 503 that says when to come back', async () => {
  await withServer([{ status: 500 }, { status: 200 }], async (url, s) => {
    const { req } = request(url, { method: 'POST', body: 'x', idempotent: false });
    const e = await codeOf(providerFetch(req));
    assert.equal(e.code, 'E_PROVIDER_FAILED');
    assert.equal(s.requests.length, 1, 'sent once');
  });
  await withServer([{ status: 503, headers: { 'retry-after': '0' } }, { status: 200, body: 'done' }], async (url, s) => {
    const { req, clock } = request(url, { method: 'POST', body: 'x', idempotent: false });
    const res = await providerFetch(req);
    assert.equal(res.body.toString(), 'done');
    assert.equal(s.requests.length, 2);
    assert.deepEqual(clock.waits, [0]);
  });
});

test('an answer slower than the timeout: E_PROVIDER_FAILED, retried only when idempotent', async () => {
  await withServer([{ hold: true }], async (url, s) => {
    const { req } = request(url, { method: 'POST', body: 'x', idempotent: false, policy: { timeoutMs: 100, maxAttempts: 3 } });
    const e = await codeOf(providerFetch(req));
    assert.equal(e.code, 'E_PROVIDER_FAILED');
    assert.match(e.message, /did not answer within 0.1 s/);
    assert.equal(s.requests.length, 1, 'a create that timed out may have been done: not sent again');
    s.release();
  });
  await withServer([{ hold: true }], async (url, s) => {
    const { req } = request(url, { policy: { timeoutMs: 100, maxAttempts: 2 } });
    const e = await codeOf(providerFetch(req));
    assert.equal(e.code, 'E_PROVIDER_FAILED');
    assert.equal(s.requests.length, 2);
    s.release();
  });
});

test('the stage cancel signal stops a held request at once with E_CANCELLED, and is not retried', async () => {
  await withServer([{ hold: true }], async (url, s) => {
    const cancel = new AbortController();
    const { req } = request(url, { signal: cancel.signal, policy: { timeoutMs: 600_000, maxAttempts: 3 } });
    const p = providerFetch(req);
    await s.received(1);
    cancel.abort();
    const e = await codeOf(p);
    assert.equal(e.code, 'E_CANCELLED');
    assert.equal(s.requests.length, 1);
  });
});

test('malformed JSON: E_PROVIDER_FAILED without echoing the body; retried only when idempotent', async () => {
  const garbled = `{"translations":[{"text":"Hallo"}, echo of ${KEY} and a private note`;
  await withServer([{ status: 200, headers: { 'content-type': 'application/json' }, body: garbled }], async (url, s) => {
    const { req } = request(url, { expectJson: true, method: 'POST', body: 'x', idempotent: false });
    const e = await codeOf(providerFetch(req));
    assert.equal(e.code, 'E_PROVIDER_FAILED');
    assert.match(e.message, /not valid JSON \(\d+ bytes, application\/json\)/);
    assert.ok(!e.message.includes('Hallo') && !e.message.includes('private note'), 'the body is not echoed');
    assert.equal(s.requests.length, 1);
  });
  await withServer([{ status: 200, body: garbled }, { status: 200, body: { ok: 1 } }], async (url, s) => {
    const { req } = request(url, { expectJson: true });
    assert.deepEqual((await providerFetch(req)).json, { ok: 1 });
    assert.equal(s.requests.length, 2);
  });
});

test('401 and 403 are E_PROVIDER_AUTH, sent once, and the key the vendor echoes is redacted', async () => {
  for (const status of [401, 403]) {
    await withServer([{ status, body: { error: { message: `Incorrect API key provided: ${KEY}.` } } }], async (url, s) => {
      const { req } = request(url, { url: `${url}/v1/thing?key=${KEY}&lang=de` });
      const e = await codeOf(providerFetch(req));
      assert.equal(e.code, 'E_PROVIDER_AUTH');
      assert.equal(e.retryable, false);
      assert.match(e.message, /Incorrect API key provided: \[redacted\]/);
      assert.match(e.message, /lang=de/);
      assert.equal(s.requests.length, 1);
    });
  }
});

test('quota: 402, DeepL 456 and a vendor quota body are E_PROVIDER_QUOTA, sent once', async () => {
  const cases: Act[] = [
    { status: 402, body: { detail: 'Payment required' } },
    { status: 456, body: { message: 'Quota exceeded. The character limit has been reached.' } },
    { status: 429, body: { error: { message: 'You exceeded your current quota', code: 'insufficient_quota' } } },
    { status: 401, body: { detail: { status: 'quota_exceeded', message: 'This request exceeds your quota of 10000.' } } },
  ];
  for (const act of cases) {
    await withServer([act], async (url, s) => {
      const { req } = request(url, { method: 'POST', body: 'x', idempotent: false });
      const e = await codeOf(providerFetch(req));
      assert.equal(e.code, 'E_PROVIDER_QUOTA', JSON.stringify(act));
      assert.equal(s.requests.length, 1);
    });
  }
});

test('a connection reset mid-body is a failed attempt: retried when idempotent, never for a create', async () => {
  await withServer([{ resetMidBody: true }, { status: 200, body: { ok: true } }], async (url, s) => {
    const { req } = request(url, { expectJson: true });
    assert.deepEqual((await providerFetch(req)).json, { ok: true });
    assert.equal(s.requests.length, 2);
  });
  await withServer([{ resetMidBody: true }, { status: 200, body: { ok: true } }], async (url, s) => {
    const { req } = request(url, { expectJson: true, method: 'POST', body: 'x', idempotent: false });
    const e = await codeOf(providerFetch(req));
    assert.equal(e.code, 'E_PROVIDER_FAILED');
    assert.match(e.message, /connection broke while the answer was read/);
    assert.equal(s.requests.length, 1);
  });
});

test('connection refused proves nothing was sent: even a create is retried, up to maxAttempts', async () => {
  // A port that was just free and is closed again: connecting to it is refused.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const { req, retries } = request(`http://127.0.0.1:${port}`, { method: 'POST', body: 'x', idempotent: false });
  const e = await codeOf(providerFetch(req));
  assert.equal(e.code, 'E_PROVIDER_FAILED');
  assert.match(e.message, /could not connect \(ECONNREFUSED\)/);
  assert.equal(retries.length, 2, '3 attempts');
});

test('the per-provider rate limit spaces request starts, shared by the requests of one provider', async () => {
  await withServer([{ status: 200 }], async (url, s) => {
    const { req, clock } = request(url, { policy: { requestsPerSecond: 4 } });
    await providerFetch(req);
    await providerFetch(req);
    await providerFetch({ ...req });
    assert.equal(s.requests.length, 3);
    // The fake clock does not move between requests, so each start waits its 250 ms slot.
    assert.deepEqual(clock.waits, [250, 250]);
  });
});
