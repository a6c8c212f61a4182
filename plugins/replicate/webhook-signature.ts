/**
 * Checks a webhook delivery the way Replicate signs it (the Standard Webhooks scheme): the
 * `webhook-signature` header lists space-separated `v1,<base64>` signatures, each an
 * HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<raw body>` keyed by the base64 part of the
 * account's `whsec_...` secret. Signatures are compared in constant time; a timestamp older
 * than the tolerance (or as far in the future) is refused, so a captured delivery cannot be
 * replayed later.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type WebhookHeaders = Record<string, string | string[] | undefined> | Headers;

export type SignatureCheck =
  | { ok: true; id: string; timestamp: number }
  | { ok: false; status: 400 | 401; reason: string };

/** Five minutes, as the Standard Webhooks scheme recommends. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : headers[key];
  return Array.isArray(v) ? v[0] : v;
}

/** The HMAC key of a `whsec_<base64>` secret. */
export function webhookKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

/** The `v1,<base64>` signature of a delivery (what Replicate sends; the contract server uses it too). */
export function signWebhook(secret: string, id: string, timestamp: number | string, body: string | Buffer): string {
  const mac = createHmac('sha256', webhookKey(secret)).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

export function verifyWebhookSignature(opts: {
  headers: WebhookHeaders;
  body: string | Buffer;
  /** The secrets a delivery may be signed with (one per account configured). */
  secrets: Iterable<string>;
  nowMs: number;
  toleranceSeconds?: number;
}): SignatureCheck {
  const id = header(opts.headers, 'webhook-id');
  const ts = header(opts.headers, 'webhook-timestamp');
  const sig = header(opts.headers, 'webhook-signature');
  if (!id || !ts || !sig) return { ok: false, status: 400, reason: 'missing webhook-id, webhook-timestamp or webhook-signature header' };
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, status: 400, reason: 'webhook-timestamp is not seconds since the epoch' };
  const timestamp = Number(ts);
  const tolerance = opts.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  const age = opts.nowMs / 1000 - timestamp;
  if (age > tolerance) return { ok: false, status: 401, reason: `the delivery is ${Math.round(age)} s old (more than ${tolerance} s): refused as a possible replay` };
  if (-age > tolerance) return { ok: false, status: 401, reason: `the delivery is dated ${Math.round(-age)} s in the future: refused` };

  const offered = sig.split(' ')
    .map((s) => s.split(','))
    .filter(([v, b64]) => v === 'v1' && b64)
    .map(([, b64]) => Buffer.from(b64!, 'base64'));
  for (const secret of opts.secrets) {
    const expected = createHmac('sha256', webhookKey(secret)).update(`${id}.${ts}.`).update(opts.body).digest();
    // timingSafeEqual needs equal lengths; a length says nothing about the key.
    if (offered.some((o) => o.length === expected.length && timingSafeEqual(o, expected))) return { ok: true, id, timestamp };
  }
  return { ok: false, status: 401, reason: 'webhook-signature does not match the body (wrong secret, or the body was changed)' };
}

/** The webhook ids seen lately, oldest forgotten first, so a redelivery is handled once. */
export class SeenIds {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity: number) {}

  /** True the first time `id` is offered (and remembers it); false for a repeat. */
  firstTime(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
    return true;
  }
}
