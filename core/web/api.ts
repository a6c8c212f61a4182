/**
 * Every call the page makes to the server (REST, GraphQL): the stored API key on each request,
 * and on a 401 the key dialog, then the same request again.
 */
import { askForKey, storedKey } from './api-key.js';

export interface ApiError { code: string; message: string; hint?: string }

export class ApiFailure extends Error {
  constructor(readonly status: number, readonly error: ApiError) { super(error.message); }
}

export function authHeaders(): Record<string, string> {
  const key = storedKey();
  return key ? { 'X-Api-Key': key } : {};
}

export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  for (;;) {
    const sent = storedKey();
    const res = await fetch(path, { ...init, headers: { ...init.headers as Record<string, string>, ...authHeaders() } });
    if (res.status !== 401) return res;
    await askForKey(sent !== undefined);
  }
}

/** JSON in, JSON out; a coded error body becomes an ApiFailure. */
export async function api<T>(path: string, o: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await apiFetch(path, {
    method: o.method ?? 'GET',
    headers: o.body === undefined ? {} : { 'content-type': 'application/json' },
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  const body = await res.json().catch(() => ({})) as { error?: ApiError };
  if (!res.ok) throw new ApiFailure(res.status, body.error ?? { code: `HTTP_${res.status}`, message: res.statusText });
  return body as T;
}

interface GraphqlError { message: string; extensions?: { code?: string; hint?: string } }

/** A GraphQL query at /graphql; its first error (with the coded error in extensions) becomes an ApiFailure. */
export async function graphql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const res = await apiFetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = await res.json().catch(() => ({})) as { data?: T; errors?: GraphqlError[]; error?: ApiError };
  const e = body.errors?.[0];
  if (e) throw new ApiFailure(res.status, { code: e.extensions?.code ?? 'E_GRAPHQL', message: e.message, hint: e.extensions?.hint });
  if (!res.ok || !body.data) throw new ApiFailure(res.status, body.error ?? { code: `HTTP_${res.status}`, message: res.statusText });
  return body.data;
}
