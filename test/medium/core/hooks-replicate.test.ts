import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextWebhookDelivery, useWebhookSecret } from '../../../plugins/replicate/webhook-registry.js';
import { signWebhook } from '../../../plugins/replicate/webhook-signature.js';
import { hookServer, TOKEN } from './hooks-harness.js';

const SECRET = `whsec_${Buffer.from('the http route test signing key!').toString('base64')}`;

test('POST /hooks/replicate: a signed delivery behind hooks.token reaches the waiting prediction once; no token, a bad signature or no signature is refused', async (t) => {
  const h = await hookServer();
  t.after(() => h.close());
  useWebhookSecret(SECRET);
  const body = JSON.stringify({ id: 'p-http', status: 'succeeded', output: 'https://replicate.delivery/bed.wav' });
  const now = Math.floor(Date.now() / 1000);
  const send = (headers: Record<string, string>, token: string | null = TOKEN) =>
    fetch(`${h.http.url}/hooks/replicate${token === null ? '' : `?token=${token}`}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })
      .then((r) => r.status);
  const signed = (id: string, secret = SECRET) => ({ 'webhook-id': id, 'webhook-timestamp': String(now), 'webhook-signature': signWebhook(secret, id, now, body) });

  assert.equal(await send(signed('msg_http_1'), null), 401, 'hooks.token is checked before the signature');
  assert.equal(await send({}), 400, 'no signature headers');
  assert.equal(await send(signed('msg_http_2', `whsec_${Buffer.from('somebody else entirely, not us!!').toString('base64')}`)), 401);
  assert.equal(await send(signed('msg_http_3')), 200);
  assert.equal(await send(signed('msg_http_3')), 200, 'a redelivery is acknowledged, not handled again');
  const delivered = await nextWebhookDelivery('p-http', 1000, AbortSignal.timeout(60_000));
  assert.deepEqual([delivered?.id, delivered?.status], ['p-http', 'succeeded']);
});
