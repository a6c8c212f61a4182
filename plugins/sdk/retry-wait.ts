/**
 * How long a provider client waits before trying a request again: the server's own word when it
 * gives one, else exponential backoff with full jitter (a random wait in [0, base * 2^n], capped),
 * which spreads the retries of many workers instead of having them hit the vendor in step.
 *
 * The server's word, in the order read (the first present wins):
 *  - `retry-after-ms`: milliseconds (OpenAI and Azure OpenAI send it);
 *  - `Retry-After`: seconds, or an HTTP date (RFC 9110 §10.2.3);
 *  - `x-ratelimit-reset-requests` and `x-ratelimit-reset-tokens`: the time until that limit's
 *    window resets, as a Go-style duration (`1s`, `6m0s`, `20ms`, `1h2m3.5s`, as OpenAI, Groq and
 *    compatible servers send it) or a bare number of seconds; the longer of the two, since both
 *    limits must have room. Epoch-timestamp reset headers (`x-ratelimit-reset` of GitHub-style
 *    APIs) are not read: their unit differs between vendors.
 */

export interface HeaderSource {
  get(name: string): string | null;
}

/** Milliseconds the server asked us to wait, or undefined when it said nothing readable. */
export function serverWaitMs(headers: HeaderSource, nowMs: number): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.max(0, Math.ceil(Number(ms)));

  const ra = headers.get('retry-after');
  if (ra !== null) {
    const t = ra.trim();
    if (/^\d+(\.\d+)?$/.test(t)) return Math.max(0, Math.ceil(Number(t) * 1000));
    const date = Date.parse(t);
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }

  let reset: number | undefined;
  for (const name of ['x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens']) {
    const v = headers.get(name);
    const d = v === null ? undefined : parseDurationMs(v);
    if (d !== undefined) reset = Math.max(reset ?? 0, d);
  }
  return reset;
}

/** `1h2m3.5s`, `6m0s`, `20ms`, `250us`, or a bare number of seconds; undefined when unreadable. */
export function parseDurationMs(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.ceil(Number(t) * 1000);
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/gy;
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 1e-3, 'µs': 1e-3, ns: 1e-6 };
  let total = 0;
  let matched = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * unit[m[2]!]!;
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== t.length) return undefined;
  return Math.ceil(total);
}

/** Full-jitter backoff for retry number `retry` (1 = the first retry). `random` returns [0, 1). */
export function backoffMs(retry: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}
