/**
 * The one HTTP client of cloud provider plugins (DeepL, ElevenLabs, OpenAI-compatible, Replicate):
 * `fetch` with a per-attempt timeout joined to the stage's cancel signal, bounded retries that
 * honour the server's wait (retry-wait.ts) and otherwise back off with full jitter, per-provider
 * concurrency and rate limits (provider-gate.ts), and vendor answers mapped to coded errors with
 * every secret redacted (secret-redaction.ts).
 *
 * Idempotency is the caller's word, because only it knows whether a request spends: a
 * non-idempotent request (a POST that synthesizes, translates or starts a prediction) is retried
 * only when the server cannot have acted on it: the connection was refused or the host not found
 * (nothing was sent), a 429 (refused before any work), or a 503 that says when to come back. A
 * timeout, a reset or a 5xx after sending could mean the work was done and billed, so that request
 * fails with a retryable coded error instead; the job's retry then finds the lines already paid
 * for in the provider result cache (provider-cache.ts) rather than paying again.
 *
 * The whole body is read inside the attempt, so a connection that dies mid-body is an attempt
 * that failed, not a truncated result.
 */
import { DubarrError, type ErrorCode } from './errors.js';
import { providerGate, realClock, type ProviderClock } from './provider-gate.js';
import { backoffMs, serverWaitMs } from './retry-wait.js';
import { redactSecrets, redactUrl } from './secret-redaction.js';

export interface ProviderPolicy {
  /** Per attempt, from sending to the last byte of the body. */
  timeoutMs: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Backoff: the ceiling of the first retry's random wait, doubled per retry up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * The longest server-asked wait (Retry-After and kin) honoured inside the stage. A longer one
   * fails the request at once with its retryable code, so the job's own backoff takes over
   * instead of a worker idling for minutes.
   */
  maxServerWaitMs: number;
  /** Requests of this provider in flight at once, per thread. */
  concurrency: number;
  /** Request starts per second, per thread; 0 for no limit. */
  requestsPerSecond: number;
}

export const DEFAULT_PROVIDER_POLICY: ProviderPolicy = {
  timeoutMs: 60_000,
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxServerWaitMs: 60_000,
  concurrency: 4,
  requestsPerSecond: 0,
};

export interface ProviderRequest {
  /** The plugin's name ('deepl'): keys the shared limits and starts every message. */
  provider: string;
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | URLSearchParams | FormData;
  /** True when sending it twice cannot spend twice (GET, a poll, a lookup). */
  idempotent: boolean;
  /** The stage's cancel signal. */
  signal?: AbortSignal;
  /** Values that must never appear in a message (the API key); headers and key params are redacted anyway. */
  secrets?: readonly (string | undefined)[];
  /** Parse the body as JSON inside the attempt (a malformed answer is then a failed attempt). */
  expectJson?: boolean;
  /** Statuses the caller handles itself (a 404 lookup, a 425 "not ready" poll): returned, not thrown. */
  acceptStatus?: (status: number) => boolean;
  policy?: Partial<ProviderPolicy>;
  clock?: ProviderClock;
  /** Told before each wait between attempts; `reason` is already redacted. */
  onRetry?: (e: { attempt: number; waitMs: number; reason: string; serverAsked: boolean }) => void;
}

export interface ProviderResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  /** The parsed body, when expectJson. */
  json: unknown;
  attempts: number;
}

/** An attempt's outcome: a value, or a coded error and whether another attempt may help. */
type Failure = { error: DubarrError; retry: boolean; serverWaitMs?: number };

/** Network error codes that prove nothing was sent, so any request may be sent again. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/** Words vendors put in quota-exhausted answers (OpenAI insufficient_quota, ElevenLabs quota_exceeded). */
const QUOTA_BODY = /insufficient_quota|quota_exceeded|quota exceeded|exceeded your current quota|character limit|credit(s)? (is |are )?(exhausted|insufficient)|billing_hard_limit/i;

export async function providerFetch(req: ProviderRequest): Promise<ProviderResponse> {
  const policy = { ...DEFAULT_PROVIDER_POLICY, ...req.policy };
  const clock = req.clock ?? realClock;
  const gate = providerGate(req.provider, { concurrency: policy.concurrency, requestsPerSecond: policy.requestsPerSecond }, clock);
  const method = (req.method ?? (req.body === undefined ? 'GET' : 'POST')).toUpperCase();
  const where = `${req.provider}: ${method} ${redactUrl(req.url, req.secrets)}`;

  for (let attempt = 1; ; attempt++) {
    if (req.signal?.aborted) throw new DubarrError('E_CANCELLED', 'Cancelled');
    const release = await gate.acquire(req.signal);
    let outcome: ProviderResponse | Failure;
    try {
      outcome = await attemptOnce(req, method, where, policy, attempt);
    } finally {
      release();
    }
    if (!('error' in outcome)) return outcome;

    const { error, retry } = outcome;
    if (outcome.serverWaitMs !== undefined) gate.pauseFor(Math.min(outcome.serverWaitMs, policy.maxServerWaitMs));
    if (!retry || attempt >= policy.maxAttempts) throw withAttempts(error, attempt);
    if (outcome.serverWaitMs !== undefined && outcome.serverWaitMs > policy.maxServerWaitMs) {
      throw withAttempts(error, attempt, `the server asked to wait ${Math.ceil(outcome.serverWaitMs / 1000)} s, longer than this stage waits; the job retries later`);
    }
    const waitMs = outcome.serverWaitMs ?? backoffMs(attempt, policy.baseDelayMs, policy.maxDelayMs, () => clock.random());
    req.onRetry?.({ attempt, waitMs, reason: error.message, serverAsked: outcome.serverWaitMs !== undefined });
    await clock.sleep(waitMs, req.signal);
  }
}

function withAttempts(e: DubarrError, attempts: number, note?: string): DubarrError {
  const msg = `${e.message}${note ? ` (${note})` : ''}${attempts > 1 ? ` after ${attempts} attempts` : ''}`;
  return new DubarrError(e.code, msg, { details: { ...e.details, attempts }, cause: e.cause });
}

async function attemptOnce(req: ProviderRequest, method: string, where: string, policy: ProviderPolicy, attempt: number): Promise<ProviderResponse | Failure> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), policy.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout.signal]) : timeout.signal;
  const fail = (code: ErrorCode, message: string, retry: boolean, extra: Record<string, unknown> = {}, waitMs?: number): Failure => ({
    error: new DubarrError(code, redactSecrets(message, req.secrets), { details: { provider: req.provider, ...extra } }),
    retry,
    serverWaitMs: waitMs,
  });
  try {
    let res: Response;
    try {
      // A byte array is resent as is on each attempt (never a stream, which one attempt would use up).
      res = await fetch(req.url, { method, headers: req.headers, body: req.body as BodyInit | undefined, signal, redirect: 'follow' });
    } catch (e) {
      return networkFailure(e, req, where, policy, timeout.signal, fail, /* responded */ false);
    }

    let body: Buffer;
    try {
      body = Buffer.from(await res.arrayBuffer());
    } catch (e) {
      return networkFailure(e, req, where, policy, timeout.signal, fail, /* responded */ true);
    }

    const status = res.status;
    if ((status >= 200 && status < 300) || req.acceptStatus?.(status)) {
      let json: unknown;
      if (req.expectJson && status >= 200 && status < 300) {
        try {
          json = JSON.parse(body.toString('utf8'));
        } catch {
          // The body is not echoed: a garbled answer may carry anything, the request's key included.
          return fail('E_PROVIDER_FAILED', `${where} answered ${status} with a body that is not valid JSON (${body.length} bytes, ${res.headers.get('content-type') ?? 'no content type'})`,
            req.idempotent, { status });
        }
      }
      return { status, headers: res.headers, body, json, attempts: attempt };
    }
    return statusFailure(status, res.headers, body, req, where, fail);
  } finally {
    clearTimeout(timer);
  }
}

type Fail = (code: ErrorCode, message: string, retry: boolean, extra?: Record<string, unknown>, waitMs?: number) => Failure;

function networkFailure(e: unknown, req: ProviderRequest, where: string, policy: ProviderPolicy, timeoutSignal: AbortSignal, fail: Fail, responded: boolean): Failure {
  if (req.signal?.aborted) return { error: new DubarrError('E_CANCELLED', 'Cancelled'), retry: false };
  if (timeoutSignal.aborted) {
    return fail('E_PROVIDER_FAILED', `${where} did not answer within ${policy.timeoutMs / 1000} s`, req.idempotent, { timeoutMs: policy.timeoutMs });
  }
  const code = errorCode(e);
  if (!responded && code && NOT_SENT_CODES.has(code)) {
    return fail('E_PROVIDER_FAILED', `${where} could not connect (${code}); check the plugin's baseUrl and the network`, true, { network: code });
  }
  const what = responded ? 'the connection broke while the answer was read' : 'the connection failed';
  return fail('E_PROVIDER_FAILED', `${where}: ${what} (${code ?? (e instanceof Error ? e.message : 'unknown error')})`, req.idempotent, { network: code });
}

/** The system error code of a fetch failure (undici wraps it in `cause`, sometimes an AggregateError). */
function errorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; depth++) {
    const c = cur as { code?: unknown; errors?: unknown[]; cause?: unknown };
    if (typeof c.code === 'string' && c.code !== 'ABORT_ERR') return c.code;
    if (Array.isArray(c.errors)) {
      const inner = c.errors.map(errorCode).find(Boolean);
      if (inner) return inner;
    }
    cur = c.cause;
  }
  return undefined;
}

function statusFailure(status: number, headers: Headers, body: Buffer, req: ProviderRequest, where: string, fail: Fail): Failure {
  const text = body.toString('utf8');
  const said = vendorMessage(text, headers);
  const msg = (what: string) => `${where} answered ${status}: ${what}${said ? ` (the server said: ${said})` : ''}`;
  // Wall time, not the injected clock: an HTTP-date Retry-After is a moment on the server's wall clock.
  const wait = serverWaitMs(headers, Date.now());

  if (status === 402 || status === 456 || ((status === 400 || status === 401 || status === 403 || status === 429) && QUOTA_BODY.test(text))) {
    return fail('E_PROVIDER_QUOTA', msg('the account is out of quota or credit'), false, { status });
  }
  if (status === 401 || status === 403) return fail('E_PROVIDER_AUTH', msg('the API key was refused'), false, { status });
  // 429: refused before any work, so even a create may be sent again.
  if (status === 429) return fail('E_PROVIDER_RATE_LIMITED', msg('rate limited'), true, { status }, wait);
  if (status === 503 && wait !== undefined) return fail('E_PROVIDER_FAILED', msg('the service is unavailable for now'), true, { status }, wait);
  if (status === 408 || status === 425 || (status >= 500 && status !== 501 && status !== 505)) {
    return fail('E_PROVIDER_FAILED', msg('the provider failed'), req.idempotent, { status }, wait);
  }
  return fail('E_PROVIDER_FAILED', msg('the request was refused'), false, { status });
}

/**
 * The vendor's own one-line explanation, from the JSON error shapes vendors use (`message`,
 * `detail`, `error`, `error.message`, `detail.message`), or a short plain-text body; never HTML,
 * never more than 200 characters. The caller redacts it.
 */
function vendorMessage(text: string, headers: Headers): string | undefined {
  let s: unknown;
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const pick = (v: unknown): unknown => (v && typeof v === 'object' ? (v as Record<string, unknown>).message ?? (v as Record<string, unknown>).status : v);
    s = pick(j.message) ?? pick(j.detail) ?? pick(j.error) ?? pick(j.title);
  } catch {
    if ((headers.get('content-type') ?? '').startsWith('text/plain')) s = text;
  }
  if (typeof s !== 'string' || !s.trim()) return undefined;
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 200 ? `${one.slice(0, 199)}…` : one;
}
