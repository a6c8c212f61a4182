import { z } from 'zod';
import { Glossary } from '../sdk/glossary.js';

export const DeeplOptions = z.object({
  /**
   * The DeepL API key (from config or DUBARR_PLUGINS_OPTIONS_DEEPL__API_KEY). A key ending in
   * ':fx' is a DeepL API Free key and is sent to api-free.deepl.com; any other to api.deepl.com.
   */
  apiKey: z.string().trim().min(1).optional(),
  /** Another server speaking the DeepL API (a proxy, a compatible self-hosted one); wins over the host the key picks. */
  baseUrl: z.url({ protocol: /^https?$/, error: 'expected the server\'s http(s) address, e.g. https://api.deepl.com' }).optional(),
  /**
   * Formal or informal address. Sent only for target languages DeepL offers it for (German,
   * Spanish, French, Italian, Japanese, Dutch, Polish, Portuguese, Russian); the prefer_ forms
   * fall back to the default where it is not offered.
   */
  formality: z.enum(['default', 'more', 'less', 'prefer_more', 'prefer_less']).default('default'),
  /** Terms kept as-is (no translation) or forced; a job's params.glossary wins per term. Sent as a DeepL glossary. */
  glossary: Glossary.default([]),
  /** The English DeepL writes when the target is plain 'en' (a job's 'en-GB' picks British). */
  englishVariant: z.enum(['en-US', 'en-GB']).default('en-US'),
  /** The Portuguese DeepL writes when the target is plain 'pt' (a job's 'pt-PT' picks European). */
  portugueseVariant: z.enum(['pt-BR', 'pt-PT']).default('pt-BR'),
  /**
   * Lines per request (DeepL takes at most 50 and 128 KiB a request). Every line of a request
   * is translated with the request's passage as context: its own lines and `contextLines`
   * before and after it. Context is not billed.
   */
  linesPerRequest: z.int().min(1).max(50).default(50),
  /** Neighbouring lines before and after each request sent as context; 0 sends none. */
  contextLines: z.int().min(0).max(20).default(3),
  /** Per request, until the last byte of the answer. */
  timeoutMs: z.int().min(100).max(600_000).default(30_000),
  /** Attempts per request, the first included (a translation that may have been billed is never sent twice). */
  maxAttempts: z.int().min(1).max(10).default(4),
  /** First backoff ceiling between attempts when DeepL does not say how long to wait; doubles per retry. */
  retryDelayMs: z.int().min(0).max(60_000).default(1000),
  /** Between checks of a new glossary until DeepL serves it. */
  glossaryPollMs: z.int().min(0).max(60_000).default(1000),
  /** Checks of a new glossary before the step fails (retryably) instead of translating without it. */
  glossaryPolls: z.int().min(1).max(600).default(60),
});
export type DeeplOptions = z.infer<typeof DeeplOptions>;
