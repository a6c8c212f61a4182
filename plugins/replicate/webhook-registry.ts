/**
 * Where Replicate's webhook deliveries meet the stages waiting for them, in the main thread
 * (the replicate stages run there). The HTTP server mounts `deliverReplicateWebhook` at
 * POST /hooks/replicate; a stage in webhook mode registers its account's signing secret and
 * awaits its prediction with `nextWebhookDelivery`. A delivery that comes before its stage
 * asks (the webhook can beat the create's answer) is kept for a while.
 */
import { realClock } from '../sdk/index.js';
import { isTerminal, Prediction } from './prediction.js';
import { SeenIds, verifyWebhookSignature, type WebhookHeaders } from './webhook-signature.js';

const secrets = new Set<string>();
const seen = new SeenIds(4096);
const waiters = new Map<string, Set<(p: Prediction) => void>>();
/** Finished predictions delivered before anyone asked, by prediction id (bounded). */
const early = new Map<string, Prediction>();
const EARLY_MAX = 256;

/** Deliveries are accepted only once some stage has registered the secret they are signed with. */
export function useWebhookSecret(secret: string): void {
  secrets.add(secret);
}

export type WebhookOutcome =
  | { status: 200; outcome: 'accepted' | 'duplicate' | 'ignored'; prediction?: string }
  | { status: 400 | 401 | 503; outcome: 'rejected'; reason: string };

export function acceptReplicateWebhook(headers: WebhookHeaders, rawBody: string | Buffer, nowMs = Date.now()): WebhookOutcome {
  if (secrets.size === 0) return { status: 503, outcome: 'rejected', reason: 'no replicate stage expects webhooks (set plugins.options.replicate.webhookUrl)' };
  const check = verifyWebhookSignature({ headers, body: rawBody, secrets, nowMs });
  if (!check.ok) return { status: check.status, outcome: 'rejected', reason: check.reason };
  let prediction: Prediction;
  try {
    const parsed = Prediction.safeParse(JSON.parse(rawBody.toString()));
    if (!parsed.success) return { status: 400, outcome: 'rejected', reason: 'the body is not a prediction' };
    prediction = parsed.data;
  } catch {
    return { status: 400, outcome: 'rejected', reason: 'the body is not JSON' };
  }
  // Remembered only once verified: a forged delivery cannot use up a real id.
  if (!seen.firstTime(check.id)) return { status: 200, outcome: 'duplicate', prediction: prediction.id };
  if (!isTerminal(prediction.status)) return { status: 200, outcome: 'ignored', prediction: prediction.id };
  const list = waiters.get(prediction.id);
  if (list?.size) {
    for (const w of [...list]) w(prediction);
  } else {
    early.set(prediction.id, prediction);
    if (early.size > EARLY_MAX) early.delete(early.keys().next().value!);
  }
  return { status: 200, outcome: 'accepted', prediction: prediction.id };
}

/**
 * For POST /hooks/replicate: the raw body (the signature covers its exact bytes) and the
 * request headers in, the HTTP status to answer out. A 2xx tells Replicate to stop resending.
 */
export function deliverReplicateWebhook(headers: WebhookHeaders, rawBody: string | Buffer): number {
  return acceptReplicateWebhook(headers, rawBody).status;
}

/** Whether a stage is waiting for this prediction's delivery now (tests cancel in that wait). */
export function awaitingWebhook(predictionId: string): boolean {
  return (waiters.get(predictionId)?.size ?? 0) > 0;
}

/**
 * The finished prediction once its webhook arrives, or undefined after `waitMs` (the caller
 * then polls). Rejects with E_CANCELLED when `signal` aborts.
 */
export async function nextWebhookDelivery(predictionId: string, waitMs: number, signal: AbortSignal): Promise<Prediction | undefined> {
  const ready = early.get(predictionId);
  if (ready) {
    early.delete(predictionId);
    return ready;
  }
  let resolveDelivery!: (p: Prediction) => void;
  const delivered = new Promise<Prediction>((r) => { resolveDelivery = r; });
  const list = waiters.get(predictionId) ?? new Set();
  list.add(resolveDelivery);
  waiters.set(predictionId, list);
  const timeout = new AbortController();
  try {
    return await Promise.race([
      delivered,
      realClock.sleep(waitMs, AbortSignal.any([signal, timeout.signal])).then(() => undefined, (e) => {
        if (signal.aborted) throw e;
        return undefined;
      }),
    ]);
  } finally {
    timeout.abort();
    list.delete(resolveDelivery);
    if (list.size === 0) waiters.delete(predictionId);
  }
}
