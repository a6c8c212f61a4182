/**
 * Replicate's HTTP API through the shared provider layer (providerFetch): the token as a
 * Bearer header, sent only to the API's own origin (output files live elsewhere and need
 * none), and every message redacted of it.
 */
import { providerFetch, realClock, type Logger, type ProviderClock, type ProviderPolicy, type ProviderResponse } from '../sdk/index.js';

export interface ReplicateConnection {
  /** The API's root, without /v1 ('https://api.replicate.com'). */
  baseUrl: string;
  apiKey: string;
  /** Prefer: wait=N on create, seconds (1-60). */
  waitSeconds: number;
  /** Between polls of an unfinished prediction. */
  pollIntervalMs: number;
  policy?: Partial<ProviderPolicy>;
  /** Waits between polls, and the provider layer's retries (tests pass a fake one). */
  clock?: ProviderClock;
  log?: Logger;
}

export interface ApiCall {
  /** A path under the API root ('/v1/predictions') or an absolute URL. */
  path: string;
  method?: 'GET' | 'POST';
  json?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
  idempotent: boolean;
  signal?: AbortSignal;
  expectJson?: boolean;
  acceptStatus?: (status: number) => boolean;
  /** Per attempt; default the connection's policy. */
  timeoutMs?: number;
}

export const PROVIDER = 'replicate';

export function apiUrl(conn: ReplicateConnection, path: string): string {
  return /^https?:\/\//i.test(path) ? path : `${conn.baseUrl.replace(/\/+$/, '')}${path}`;
}

/** True for URLs of the API itself: the only place the token is sent. */
export function isApiUrl(conn: ReplicateConnection, url: string): boolean {
  try {
    return new URL(url).origin === new URL(conn.baseUrl).origin && new URL(url).pathname.startsWith('/v1/');
  } catch {
    return false;
  }
}

export function callApi(conn: ReplicateConnection, call: ApiCall): Promise<ProviderResponse> {
  const url = apiUrl(conn, call.path);
  const headers: Record<string, string> = { ...call.headers };
  if (isApiUrl(conn, url)) headers.authorization = `Bearer ${conn.apiKey}`;
  let body: string | FormData | undefined;
  if (call.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(call.json);
  } else if (call.form) {
    body = call.form;
  }
  return providerFetch({
    provider: PROVIDER,
    url,
    method: call.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    idempotent: call.idempotent,
    signal: call.signal,
    secrets: [conn.apiKey],
    expectJson: call.expectJson ?? true,
    acceptStatus: call.acceptStatus,
    policy: { ...conn.policy, ...(call.timeoutMs ? { timeoutMs: call.timeoutMs } : {}) },
    clock: conn.clock ?? realClock,
    onRetry: (e) => conn.log?.warn({ provider: PROVIDER, attempt: e.attempt, waitMs: e.waitMs }, `replicate: retrying: ${e.reason}`),
  });
}
