/** Keys whose values are credentials: masked whenever a config or a config value is shown. */
const SECRET_KEY = /(key|token|secret|password|apikey)$/i;

export const MASK = '********';

export function isSecretKey(key: PropertyKey): boolean {
  return typeof key === 'string' && SECRET_KEY.test(key);
}

/**
 * A copy of `value` with every non-empty value under a secret key replaced by MASK. A switch
 * named like a secret (server.requireApiKey) is no credential: booleans are shown.
 */
export function maskSecrets(value: unknown, key?: PropertyKey): unknown {
  if (key !== undefined && isSecretKey(key) && value !== undefined && value !== null && value !== '' && typeof value !== 'boolean') return MASK;
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v, k)]));
  }
  return value;
}

/**
 * A copy of `value` without the values under secret keys: what a cache key may hash. A new API
 * key for the same account changes no result, so it must not void cached results.
 */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k, v]) => !(isSecretKey(k) && typeof v !== 'boolean')).map(([k, v]) => [k, withoutSecrets(v)]));
  }
  return value;
}
