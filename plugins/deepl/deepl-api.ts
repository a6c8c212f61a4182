/**
 * How the plugin talks to DeepL: which host, the auth header, and the shared provider HTTP
 * layer (providerFetch: timeouts, bounded retries, error codes, redaction).
 *
 * deepl-node, the official SDK, is not used: its HTTP client is axios with its own retry loop
 * (it retries 5xx on a translate, which may bill twice) and its own errors, and it takes no
 * fetch of ours, so it could keep neither our no-blind-retry rule nor our error mapping.
 */
import { DubarrError } from '../sdk/errors.js';
import type { Logger } from '../sdk/plugin.js';
import { providerFetch, type ProviderResponse } from '../sdk/provider-fetch.js';
import type { DeeplOptions } from './options.js';

export const FREE_HOST = 'https://api-free.deepl.com';
export const PRO_HOST = 'https://api.deepl.com';

/** baseUrl when set; else the host the key is for: Free keys end in ':fx'. */
export function apiBase(options: Pick<DeeplOptions, 'apiKey' | 'baseUrl'>): string {
  if (options.baseUrl) return options.baseUrl.replace(/\/+$/, '');
  return options.apiKey?.endsWith(':fx') ? FREE_HOST : PRO_HOST;
}

export interface DeeplCall {
  path: string;
  method?: 'GET' | 'POST';
  json?: unknown;
  /** False for a request that spends or creates (a translation, a new glossary). */
  idempotent: boolean;
  acceptStatus?: (status: number) => boolean;
}

export type DeeplClient = (call: DeeplCall) => Promise<ProviderResponse>;

export function deeplClient(options: DeeplOptions, signal: AbortSignal, log: Logger): DeeplClient {
  const key = options.apiKey;
  if (!key) {
    throw new DubarrError('E_PROVIDER_UNAVAILABLE', 'deepl has no API key: set plugins.options.deepl.apiKey (or DUBARR_PLUGINS_OPTIONS_DEEPL__API_KEY)');
  }
  const base = apiBase(options);
  return (call) => providerFetch({
    provider: 'deepl',
    url: `${base}${call.path}`,
    method: call.method ?? (call.json === undefined ? 'GET' : 'POST'),
    headers: {
      authorization: `DeepL-Auth-Key ${key}`,
      ...(call.json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: call.json === undefined ? undefined : JSON.stringify(call.json),
    idempotent: call.idempotent,
    expectJson: true,
    acceptStatus: call.acceptStatus,
    signal,
    secrets: [key],
    policy: {
      timeoutMs: options.timeoutMs,
      maxAttempts: options.maxAttempts,
      baseDelayMs: options.retryDelayMs,
      maxDelayMs: Math.max(options.retryDelayMs, 20_000),
    },
    onRetry: (e) => log.info({ attempt: e.attempt, waitMs: e.waitMs, serverAsked: e.serverAsked }, `deepl: retrying after ${e.reason}`),
  });
}
