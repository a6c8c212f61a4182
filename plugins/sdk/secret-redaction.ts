/**
 * Keeps cloud providers' secrets out of messages and logs. Everything a provider client puts
 * in an error or a log line goes through redactSecrets: the exact secret values it knows (the
 * API key it was given) and the shapes secrets travel in (Authorization-style headers, key
 * query parameters) are replaced by `[redacted]`, so a key never reaches a job row, even when
 * a vendor echoes it back in an error body.
 */

export const REDACTED = '[redacted]';

/** Query parameters that carry credentials (Google's `key`, DeepL's legacy `auth_key`, signed URLs). */
const SECRET_QUERY_PARAMS = ['key', 'api_key', 'apikey', 'api-key', 'auth_key', 'token', 'access_token', 'signature', 'sig', 'x-amz-signature', 'x-goog-signature'];

/** Header names whose value is a credential. */
export const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'xi-api-key', 'cookie', 'set-cookie'];

const QUERY_RE = new RegExp(`([?&](?:${SECRET_QUERY_PARAMS.map(escapeRe).join('|')})=)[^&#\\s"']*`, 'gi');
/** `Authorization: Bearer x`, `xi-api-key: x`, `"x-api-key":"x"` in text (a logged request, an echoed header). */
const HEADER_RE = new RegExp(`((?:${SECRET_HEADERS.map(escapeRe).join('|')})["']?\\s*[:=]\\s*["']?)(?:(?:Bearer|Basic|Token|DeepL-Auth-Key)\\s+)?[^\\s"',;}]+`, 'gi');
/** Credentials by scheme wherever they appear. */
const SCHEME_RE = /\b(Bearer|Basic|Token|DeepL-Auth-Key)\s+[A-Za-z0-9._~+/:=-]{6,}/g;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

/** `text` with the given secret values and every credential-shaped substring replaced. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  // Longest first, so a secret that contains another is replaced whole. Very short values are
  // skipped: replacing "a" everywhere would garble the message without protecting anything.
  for (const s of [...secrets].filter((x): x is string => typeof x === 'string' && x.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(s).join(REDACTED);
    const encoded = encodeURIComponent(s);
    if (encoded !== s) out = out.split(encoded).join(REDACTED);
  }
  return out
    .replace(QUERY_RE, `$1${REDACTED}`)
    .replace(HEADER_RE, `$1${REDACTED}`)
    .replace(SCHEME_RE, `$1 ${REDACTED}`);
}

/** A URL fit for a message: credentials in user info and in key query parameters removed. */
export function redactUrl(url: string, secrets: readonly (string | undefined)[] = []): string {
  let u = url;
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = '';
      parsed.password = '';
      u = parsed.toString();
    }
  } catch { /* not a URL: redact it as text */ }
  return redactSecrets(u, secrets);
}

/** Headers fit for a log line: credential headers' values replaced. */
export function redactHeaders(headers: Record<string, string>, secrets: readonly (string | undefined)[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    out[k] = SECRET_HEADERS.includes(k.toLowerCase()) ? REDACTED : redactSecrets(v, secrets);
  }
  return out;
}
