/**
 * What both replicate stages do before buying anything: a connection from the options (no key
 * is a clear error), the webhook mode's signing secret, and the configured input names checked
 * against the model's schema.
 */
import { createHash } from 'node:crypto';
import { DubarrError, type StageContext } from '../sdk/index.js';
import { callApi, type ReplicateConnection } from './api.js';
import { checkInputNames, modelInputs } from './model-schema.js';
import type { ReplicateOptions } from './options.js';
import type { PredictionRun } from './run-prediction.js';
import { useWebhookSecret } from './webhook-registry.js';

export function connection(o: ReplicateOptions, ctx: StageContext): ReplicateConnection {
  if (!o.apiKey) throw new DubarrError('E_PROVIDER_UNAVAILABLE', 'replicate: no API token: set plugins.options.replicate.apiKey (or DUBARR_PLUGINS_OPTIONS_REPLICATE__API_KEY)');
  return {
    baseUrl: o.baseUrl,
    apiKey: o.apiKey,
    waitSeconds: o.waitSeconds,
    pollIntervalMs: o.pollIntervalMs,
    policy: { timeoutMs: o.timeoutMs, maxAttempts: o.maxAttempts, concurrency: o.concurrency },
    log: ctx.log,
  };
}

/** Account secrets read this process, by a digest of base URL and token (never the token itself). */
const secrets = new Map<string, string>();

export async function webhookMode(conn: ReplicateConnection, o: ReplicateOptions, signal: AbortSignal): Promise<PredictionRun['webhook']> {
  if (!o.webhookUrl) return undefined;
  let secret = o.webhookSecret;
  if (!secret) {
    const id = createHash('sha256').update(`${conn.baseUrl}\n${conn.apiKey}`).digest('hex');
    secret = secrets.get(id);
    if (!secret) {
      const res = await callApi(conn, { path: '/v1/webhooks/default/secret', idempotent: true, signal });
      const key = (res.json as { key?: unknown } | null)?.key;
      if (typeof key !== 'string' || !key.startsWith('whsec_')) throw new DubarrError('E_PROVIDER_FAILED', 'replicate: GET /v1/webhooks/default/secret answered without a whsec_ key');
      secret = key;
      secrets.set(id, secret);
    }
  }
  useWebhookSecret(secret);
  return { url: o.webhookUrl, pollIntervalMs: o.webhookPollSeconds * 1000 };
}

/** Our field -> value, sent under the model's input names; '' names and undefined values are left out. */
export function modelInput(names: Record<string, string>, values: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = { ...extra };
  for (const [field, name] of Object.entries(names)) {
    if (name && values[field] !== undefined) input[name] = values[field];
  }
  return input;
}

/**
 * Checks every configured input name (mapped and extra) against the model's schema when
 * checkSchema is on and Replicate answers; returns the version it read, for models that are
 * run by version.
 */
export async function checkModel(conn: ReplicateConnection, o: ReplicateOptions, model: string, names: Record<string, string>, extra: Record<string, unknown>, optionPath: string, signal: AbortSignal): Promise<string | undefined> {
  if (!o.checkSchema) return undefined;
  const inputs = await modelInputs(conn, model, signal);
  if (!inputs) return undefined;
  checkInputNames(model, inputs, [...Object.values(names).filter(Boolean), ...Object.keys(extra)], optionPath);
  return inputs.version;
}
