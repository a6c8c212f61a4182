/**
 * The requests this plugin sends, through the SDK's providerFetch (timeouts, bounded retries that
 * honour retry-after-ms / Retry-After / x-ratelimit-reset-*, the per-provider gate, error codes,
 * the key redacted). Every call here spends, so each is non-idempotent: sent again only when the
 * server cannot have acted on it.
 *
 * Why not the official `openai` package: it turns any error of a custom fetch into its own
 * APIConnectionError (our coded errors and the no-blind-retry rule would have to be dug out of
 * `cause`), it refuses to start without an API key (local servers have none), and it reads
 * OPENAI_API_KEY / OPENAI_BASE_URL from the environment behind the config's back.
 */
import { providerFetch, type ProviderResponse } from '../sdk/provider-fetch.js';
import type { StageContext } from '../sdk/plugin.js';
import type { OpenAIOptions } from './options.js';

export const PROVIDER = 'openai';

export interface OpenAIApi {
  /** POST a JSON body; `expectJson` parses the answer inside the attempt. */
  postJson(path: string, body: unknown, expectJson: boolean): Promise<ProviderResponse>;
  /** POST multipart form data (audio uploads). */
  postForm(path: string, form: FormData): Promise<ProviderResponse>;
}

export function openaiApi(o: OpenAIOptions, ctx: Pick<StageContext, 'signal' | 'log'>): OpenAIApi {
  const root = o.baseUrl.replace(/\/+$/, '');
  const auth: Record<string, string> = o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {};
  const send = (path: string, body: string | FormData, headers: Record<string, string>, expectJson: boolean) => providerFetch({
    provider: PROVIDER,
    url: `${root}${path}`,
    method: 'POST',
    headers: { ...auth, ...headers },
    body,
    idempotent: false,
    signal: ctx.signal,
    secrets: [o.apiKey],
    expectJson,
    policy: o.http,
    onRetry: (e) => ctx.log.info({ attempt: e.attempt, waitMs: e.waitMs, serverAsked: e.serverAsked, reason: e.reason }, `openai: retrying ${path}`),
  });
  return {
    postJson: (path, body, expectJson) => send(path, JSON.stringify(body), { 'content-type': 'application/json' }, expectJson),
    // fetch writes the multipart boundary into content-type itself.
    postForm: (path, form) => send(path, form, {}, true),
  };
}
