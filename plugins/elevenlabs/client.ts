/**
 * ElevenLabs' HTTP API as the stages call it: every request through providerFetch (timeouts,
 * bounded retries, the per-provider gate, coded errors, the key redacted), with the key in
 * `xi-api-key`. ElevenLabs answers errors as {"detail":{"status","message"}}; providerFetch
 * maps 401 invalid_api_key to E_PROVIDER_AUTH, a quota_exceeded body (401/400) to
 * E_PROVIDER_QUOTA, and both 429s (too_many_concurrent_requests: over the plan's concurrency;
 * system_busy: their load) to E_PROVIDER_RATE_LIMITED, retried a bounded number of times.
 *
 * Why not @elevenlabs/elevenlabs-js: it can take our fetch and turn its retries off, but it
 * wraps every non-2xx answer in its own error type (our codes and redaction would be undone
 * and redone), weighs ~108 MB unpacked with node-fetch and ws as dependencies, and we call six
 * endpoints whose shapes are small.
 */
import { DubarrError } from '../sdk/errors.js';
import { providerFetch, type ProviderPolicy, type ProviderResponse } from '../sdk/provider-fetch.js';
import { realClock, type ProviderClock } from '../sdk/provider-gate.js';
import type { ElevenLabsOptions } from './options.js';

export const PROVIDER = 'elevenlabs';

let clock: ProviderClock = realClock;
let policyOverride: Partial<ProviderPolicy> = {};

/** Tests: a clock that records waits instead of sleeping, and policy values (short backoff). */
export function setElevenLabsTestHooks(hooks: { clock?: ProviderClock; policy?: Partial<ProviderPolicy> }): void {
  clock = hooks.clock ?? realClock;
  policyOverride = hooks.policy ?? {};
}

export function providerClock(): ProviderClock {
  return clock;
}

export interface ElevenRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  /** Path and query under baseUrl: '/v1/voices'. */
  path: string;
  json?: unknown;
  form?: FormData;
  /** False for a request that spends (a line of speech, a clone, a transcription, a dubbing). */
  idempotent: boolean;
  expectJson?: boolean;
  acceptStatus?: (status: number) => boolean;
}

export interface ElevenClient {
  request(r: ElevenRequest): Promise<ProviderResponse>;
  /** The key, for redacting anything else that is logged. */
  readonly secrets: readonly string[];
}

export function requireKey(options: ElevenLabsOptions): string {
  if (!options.apiKey) {
    throw new DubarrError('E_PROVIDER_UNAVAILABLE', 'elevenlabs has no API key: set plugins.options.elevenlabs.apiKey (or DUBARR_PLUGINS_OPTIONS_ELEVENLABS__API_KEY)');
  }
  return options.apiKey;
}

export function elevenClient(options: ElevenLabsOptions, signal: AbortSignal): ElevenClient {
  const key = requireKey(options);
  const base = options.baseUrl.replace(/\/+$/, '');
  const policy: Partial<ProviderPolicy> = {
    timeoutMs: options.timeoutMs, maxAttempts: options.maxAttempts, concurrency: options.concurrency, ...policyOverride,
  };
  return {
    secrets: [key],
    request: (r) => providerFetch({
      provider: PROVIDER,
      url: `${base}${r.path}`,
      method: r.method ?? (r.json === undefined && r.form === undefined ? 'GET' : 'POST'),
      headers: { 'xi-api-key': key, ...(r.json !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: r.json !== undefined ? JSON.stringify(r.json) : r.form,
      idempotent: r.idempotent,
      expectJson: r.expectJson,
      acceptStatus: r.acceptStatus,
      signal,
      secrets: [key],
      policy,
      clock,
    }),
  };
}

/** A field of a JSON answer the stage cannot do without; its absence is the vendor's failure. */
export function answerField<T>(json: unknown, field: string, check: (v: unknown) => v is T, what: string): T {
  const v = json && typeof json === 'object' ? (json as Record<string, unknown>)[field] : undefined;
  if (!check(v)) throw new DubarrError('E_PROVIDER_FAILED', `elevenlabs: ${what} came back without a valid '${field}'`);
  return v;
}

export const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
