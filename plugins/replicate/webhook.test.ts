import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReplicateConnection } from './api.js';
import { startReplicateServer, type ReplicateContractServer } from './contract-server.testkit.js';
import { ReplicateOptions } from './options.js';
import { runPrediction } from './run-prediction.js';
import { webhookMode } from './stage-setup.js';
import { musicModel } from './test-models.testkit.js';
import { acceptReplicateWebhook, awaitingWebhook, deliverReplicateWebhook, useWebhookSecret } from './webhook-registry.js';
import { SeenIds, signWebhook, verifyWebhookSignature } from './webhook-signature.js';

const SECRET = `whsec_${Buffer.from('a test signing key of 32 bytes!!').toString('base64')}`;
const NOW = 1_760_000_000_000;
const body = JSON.stringify({ id: 'p1', status: 'succeeded', output: 'https://replicate.delivery/x.wav' });

function signed(id: string, tsSec: number, b = body, secret = SECRET) {
  return { 'webhook-id': id, 'webhook-timestamp': String(tsSec), 'webhook-signature': signWebhook(secret, id, tsSec, b) };
}

describe('webhook signature', () => {
  const check = (headers: Record<string, string>, b = body) => verifyWebhookSignature({ headers, body: b, secrets: [SECRET], nowMs: NOW });

  test('a delivery signed with the secret is accepted; one of several listed signatures is enough', () => {
    assert.deepEqual(check(signed('msg_1', NOW / 1000)), { ok: true, id: 'msg_1', timestamp: NOW / 1000 });
    const h = signed('msg_2', NOW / 1000);
    h['webhook-signature'] = `v1,${Buffer.alloc(32).toString('base64')} ${h['webhook-signature']}`;
    assert.equal(check(h).ok, true);
  });

  test('a changed body, another secret or a malformed signature is refused with 401', () => {
    const h = signed('msg_1', NOW / 1000);
    assert.equal(check(h, body.replace('succeeded', 'failed')).ok, false);
    const other = signed('msg_1', NOW / 1000, body, `whsec_${Buffer.from('another key').toString('base64')}`);
    const r = check(other);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.status, 401);
    assert.equal(check({ ...h, 'webhook-signature': 'v1,short' }).ok, false);
    assert.equal(check({ ...h, 'webhook-signature': h['webhook-signature'].replace('v1,', 'v2,') }).ok, false);
  });

  test('a timestamp older than 5 minutes, or as far ahead, is refused', () => {
    const stale = check(signed('msg_1', NOW / 1000 - 301));
    assert.equal(stale.ok, false);
    assert.match(!stale.ok ? stale.reason : '', /possible replay/);
    assert.equal(check(signed('msg_1', NOW / 1000 - 299)).ok, true);
    assert.equal(check(signed('msg_1', NOW / 1000 + 301)).ok, false);
  });

  test('missing headers are a 400', () => {
    const r = check({ 'webhook-id': 'msg_1' });
    assert.equal(!r.ok && r.status, 400);
  });

  test('the memory of seen ids is bounded, oldest forgotten first', () => {
    const seen = new SeenIds(2);
    assert.equal(seen.firstTime('a'), true);
    assert.equal(seen.firstTime('a'), false);
    seen.firstTime('b');
    seen.firstTime('c');
    assert.equal(seen.firstTime('a'), true, 'a was forgotten');
    assert.equal(seen.firstTime('c'), false);
  });
});

describe('webhook deliveries', () => {
  let server: ReplicateContractServer;
  let hooks: Server;
  let hookUrl: string;
  /** What the hook endpoint answered, in order. */
  const answered: number[] = [];

  before(async () => {
    server = await startReplicateServer({ models: [musicModel({ manual: true }), { ...musicModel({ polls: 1 }), model: 'meta/polled' }] });
    // Mounted as core/http would: raw body and headers in, the status out.
    hooks = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = deliverReplicateWebhook(req.headers, Buffer.concat(chunks));
        answered.push(status);
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hooks/replicate`;
  });
  after(async () => {
    await server.close();
    await new Promise<void>((r) => hooks.close(() => r()));
  });

  const conn = (): ReplicateConnection => ({ baseUrl: server.url, apiKey: server.token, waitSeconds: 1, pollIntervalMs: 10, policy: { timeoutMs: 5000 } });

  test('before any stage registered a secret, deliveries are refused (503)', () => {
    assert.equal(deliverReplicateWebhook(signed('msg_early', Math.floor(Date.now() / 1000)), body), 503);
  });

  test('the stage waits for the signed delivery instead of polling; redelivery, bad signature and stale timestamp change nothing', async () => {
    useWebhookSecret(server.webhookSecret);
    const run = runPrediction(conn(), {
      model: 'meta/musicgen', input: { prompt: 'x' }, signal: new AbortController().signal,
      // Polled only after ten minutes: the delivery must be what ends the wait.
      webhook: { url: hookUrl, pollIntervalMs: 600_000 },
    });
    await server.seen('POST', /predictions$/, 1);
    const [p] = [...server.predictions.values()];
    assert.equal(p!.webhook, hookUrl);
    assert.deepEqual(p!.webhookEventsFilter, ['completed']);
    await server.finish(p!.id);
    const done = await run;
    assert.equal(done.status, 'succeeded');
    assert.equal(server.requests.filter((r) => r.method === 'GET' && /^\/v1\/predictions\//.test(r.path)).length, 0, 'no poll');
    assert.deepEqual(answered, [200]);

    const first = server.webhooks[0]!;
    const again = await server.sendWebhook(p!.id, { webhookId: first.webhookId });
    assert.equal(again.status, 200, 'a redelivery is acknowledged, so Replicate stops resending');
    assert.equal((await server.sendWebhook(p!.id, { badSignature: true })).status, 401);
    assert.equal((await server.sendWebhook(p!.id, { timestampOffsetSec: -600 })).status, 401);
    assert.equal((await server.sendWebhook(p!.id, { timestampOffsetSec: 600 })).status, 401);
  });

  test('the webhook mode reads the account\'s signing secret once, and deliveries signed with it are accepted', async () => {
    const o = ReplicateOptions.parse({ apiKey: server.token, baseUrl: server.url, webhookUrl: hookUrl, webhookPollSeconds: 5 });
    const signal = new AbortController().signal;
    assert.deepEqual(await webhookMode(conn(), o, signal), { url: hookUrl, pollIntervalMs: 5000 });
    await webhookMode(conn(), o, signal);
    assert.equal(server.requests.filter((r) => r.path === '/v1/webhooks/default/secret').length, 1);
    assert.equal(await webhookMode(conn(), ReplicateOptions.parse({ apiKey: server.token }), signal), undefined, 'off without webhookUrl');
  });

  test('a redelivered id is handled once', () => {
    useWebhookSecret(server.webhookSecret);
    const ts = Math.floor(Date.now() / 1000);
    const b = JSON.stringify({ id: 'pred-dup', status: 'succeeded', output: null });
    const h = signed('msg_dup', ts, b, server.webhookSecret);
    assert.equal(acceptReplicateWebhook(h, b).outcome, 'accepted');
    assert.equal(acceptReplicateWebhook(h, b).outcome, 'duplicate');
    // A forged delivery with a fresh id is refused and not remembered.
    assert.equal(acceptReplicateWebhook({ ...h, 'webhook-id': 'msg_forged' }, b).outcome, 'rejected');
  });

  test('with the delivery lost, the stage finds the prediction by polling', async () => {
    useWebhookSecret(server.webhookSecret);
    const p = await runPrediction(conn(), {
      model: 'meta/polled', input: {}, signal: new AbortController().signal,
      // Nothing listens there: Replicate's deliveries would fail; the poll still ends the wait.
      webhook: { url: 'http://127.0.0.1:9/hooks/replicate', pollIntervalMs: 10 },
    });
    assert.equal(p.status, 'succeeded');
  });

  test('a cancel while waiting for the delivery cancels the prediction', async () => {
    useWebhookSecret(server.webhookSecret);
    const ac = new AbortController();
    let id = '';
    const run = runPrediction(conn(), { model: 'meta/musicgen', input: {}, signal: ac.signal, webhook: { url: hookUrl, pollIntervalMs: 600_000 }, onUpdate: (p) => { id = p.id; } });
    // Cancelled inside the wait for the delivery (which would last ten minutes).
    while (!id || !awaitingWebhook(id)) await new Promise((r) => setImmediate(r));
    ac.abort();
    await assert.rejects(run, (e: { code?: string }) => e.code === 'E_CANCELLED');
    assert.equal(server.requests.filter((r) => r.path.endsWith('/cancel')).length, 1);
  });
});
