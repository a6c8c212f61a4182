/**
 * Test support: a DeepL API on 127.0.0.1 that follows the documented request and response
 * shapes (developers.deepl.com: /v2/translate with a JSON body; v3 glossaries) and the
 * documented limits, counts what it bills, and misbehaves on request like the real service.
 *
 * What it checks, as DeepL does: the `Authorization: DeepL-Auth-Key <key>` header (403 when
 * wrong or missing); a request body of at most 128 KiB (413) and at most 50 texts (400);
 * `formality` only for target languages that have it (400), `prefer_*` anywhere; a
 * `glossary_id` only with a `source_lang` and a glossary of that pair (400 / 404).
 *
 * Its "translation" is a rule a test can predict: the glossary's terms replaced by their
 * targets (whole words, any case), then `[TARGET] ` or `[TARGET/formality] ` put in front.
 * Context is read (kept per request for the test) but neither translated nor billed; billed
 * characters are the texts' Unicode code points.
 *
 * A just-created glossary is not served at once: v3 documents no `ready` flag, so the server
 * models the delay as `glossaryDelayReads` reads of the new glossary answered 404, and a
 * translation that names it before then is refused (404) and counted in `earlyGlossaryUse`.
 *
 * Faults: `inject(route, act, times, skip)` answers `times` requests of a route with `act`
 * after letting `skip` through (a fault-server Act: a status with headers and body, `{ hold: true }` for an answer slower
 * than any timeout, `{ resetMidBody: true }`); FAULTS has DeepL's own.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { startFaultServer, type Act, type FaultServer } from '../sdk/fault-server.testkit.js';

export type Route = 'translate' | 'glossaries.list' | 'glossaries.create' | 'glossaries.get' | 'other';

const TARGETS = new Set(['AR', 'BG', 'CS', 'DA', 'DE', 'EL', 'EN', 'EN-GB', 'EN-US', 'ES', 'ES-419', 'ET', 'FI', 'FR', 'HE', 'HU', 'ID', 'IT', 'JA', 'KO', 'LT', 'LV', 'NB', 'NL', 'PL', 'PT', 'PT-BR', 'PT-PT', 'RO', 'RU', 'SK', 'SL', 'SV', 'TH', 'TR', 'UK', 'VI', 'ZH', 'ZH-HANS', 'ZH-HANT']);
const SOURCES = new Set([...TARGETS].filter((t) => !t.includes('-')));
const FORMALITY_TARGETS = new Set(['DE', 'ES', 'ES-419', 'FR', 'IT', 'JA', 'NL', 'PL', 'PT-BR', 'PT-PT', 'RU']);

export const FAULTS = {
  badKey: { status: 403, body: { message: 'Authorization failure, check auth_key' } },
  quota: { status: 456, body: { message: 'Quota exceeded' } },
  rateLimited: (retryAfterSeconds?: number): Act => ({
    status: 429, headers: retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) }, body: { message: 'Too many requests' },
  }),
  serverError: { status: 500, body: { message: 'Internal server error' } },
  unavailable: (retryAfterSeconds: number): Act => ({ status: 503, headers: { 'retry-after': String(retryAfterSeconds) }, body: { message: 'Service unavailable' } }),
  slow: { hold: true },
  malformedJson: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"translations":[{"text":"Hal' },
} satisfies Record<string, Act | ((...a: never[]) => Act)>;

export interface TranslateCall {
  texts: string[];
  context?: string;
  source_lang?: string;
  target_lang: string;
  formality?: string;
  glossary_id?: string;
  billed: number;
}

interface Glossary {
  id: string;
  name: string;
  source: string;
  target: string;
  entries: Array<[string, string]>;
  creation_time: string;
  /** Reads still to answer 404 before it is served. */
  pendingReads: number;
}

export interface DeeplContractServer {
  url: string;
  key: string;
  /** Every request received, faults included. */
  readonly requests: FaultServer['requests'];
  /** Translations answered (so billed), in order. */
  readonly translated: TranslateCall[];
  /** Characters billed in all. */
  billedCharacters(): number;
  /** Requests per route, faults included. */
  count(route: Route): number;
  readonly glossaries: Map<string, Glossary>;
  /** Translations that named a glossary before it was served (a client that did not wait). */
  earlyGlossaryUse: number;
  /** Answer `times` requests of `route` with `act`, after letting `skip` of them through (the 3rd translation: skip 2). */
  inject(route: Route, act: Act, times?: number, skip?: number): void;
  received: FaultServer['received'];
  release(): void;
  close(): Promise<void>;
}

export function routeOf(method: string, url: string): Route {
  const path = new URL(url, 'http://x').pathname;
  if (method === 'POST' && path === '/v2/translate') return 'translate';
  if (path === '/v3/glossaries') return method === 'POST' ? 'glossaries.create' : 'glossaries.list';
  if (method === 'GET' && /^\/v3\/glossaries\/[^/]+$/.test(path)) return 'glossaries.get';
  return 'other';
}

const error = (status: number, message: string): Act => ({ status, body: { message } });
const codePoints = (s: string) => [...s].length;

export async function startDeeplServer(opts: { key?: string; glossaryDelayReads?: number } = {}): Promise<DeeplContractServer> {
  const key = opts.key ?? 'a1b2c3d4-0000-4000-8000-feedfacecafe:fx';
  const translated: TranslateCall[] = [];
  const glossaries = new Map<string, Glossary>();
  const counts = new Map<Route, number>();
  const faults: Array<{ route: Route; act: Act; times: number; skip: number }> = [];
  let server!: FaultServer;
  const state = { earlyGlossaryUse: 0 };

  const info = (g: Glossary) => ({
    glossary_id: g.id, name: g.name, creation_time: g.creation_time,
    dictionaries: [{ source_lang: g.source, target_lang: g.target, entry_count: g.entries.length }],
  });

  function translate(body: unknown): Act {
    const b = body as Record<string, unknown>;
    if (!Array.isArray(b.text) || b.text.length === 0 || !b.text.every((t) => typeof t === 'string')) return error(400, 'Parameter \'text\' not specified.');
    if (b.text.length > 50) return error(400, 'Too many texts: at most 50 per request.');
    const target = String(b.target_lang ?? '').toUpperCase();
    if (!TARGETS.has(target)) return error(400, `Value for 'target_lang' not supported.`);
    const source = b.source_lang === undefined ? undefined : String(b.source_lang).toUpperCase();
    if (source !== undefined && !SOURCES.has(source)) return error(400, `Value for 'source_lang' not supported.`);
    const formality = b.formality === undefined ? undefined : String(b.formality);
    if (formality !== undefined) {
      if (!['default', 'more', 'less', 'prefer_more', 'prefer_less'].includes(formality)) return error(400, `Value for 'formality' not supported.`);
      if (['more', 'less'].includes(formality) && !FORMALITY_TARGETS.has(target)) return error(400, '\'formality\' is not supported for given \'target_lang\'.');
    }
    if (b.context !== undefined && typeof b.context !== 'string') return error(400, 'Parameter \'context\' must be a string.');
    let glossary: Glossary | undefined;
    if (b.glossary_id !== undefined) {
      if (source === undefined) return error(400, 'Use of a glossary requires the \'source_lang\' parameter to be specified.');
      glossary = glossaries.get(String(b.glossary_id));
      if (!glossary) return error(404, 'Glossary not found.');
      if (glossary.pendingReads > 0) {
        state.earlyGlossaryUse++;
        return error(404, 'Glossary not found.');
      }
      if (glossary.source !== source.toLowerCase() || glossary.target !== target.split('-')[0]!.toLowerCase()) {
        return error(400, 'The glossary\'s language pair does not match the request.');
      }
    }
    const texts = b.text as string[];
    const tag = `[${target}${formality && formality !== 'default' ? `/${formality}` : ''}] `;
    const out = texts.map((t) => tag + applyGlossary(t, glossary));
    const billedEach = texts.map(codePoints);
    translated.push({
      texts, target_lang: target, billed: billedEach.reduce((a, n) => a + n, 0),
      ...(b.context === undefined ? {} : { context: b.context as string }),
      ...(source === undefined ? {} : { source_lang: source }),
      ...(formality === undefined ? {} : { formality }),
      ...(glossary ? { glossary_id: glossary.id } : {}),
    });
    return {
      status: 200,
      body: {
        translations: out.map((text, i) => ({
          detected_source_language: source ?? 'EN', text,
          ...(b.show_billed_characters === true ? { billed_characters: billedEach[i] } : {}),
        })),
      },
    };
  }

  function createGlossary(body: unknown): Act {
    const b = body as { name?: unknown; dictionaries?: unknown };
    if (typeof b.name !== 'string' || !b.name.trim()) return error(400, 'Parameter \'name\' not specified.');
    if (!Array.isArray(b.dictionaries) || b.dictionaries.length !== 1) return error(400, 'Exactly one dictionary is supported by this server.');
    const d = b.dictionaries[0] as Record<string, unknown>;
    if (!SOURCES.has(String(d.source_lang).toUpperCase()) || !SOURCES.has(String(d.target_lang).toUpperCase())) return error(400, 'Unsupported glossary language pair.');
    if ((d.entries_format ?? 'tsv') !== 'tsv' || typeof d.entries !== 'string') return error(400, 'Entries must be TSV.');
    const entries: Array<[string, string]> = [];
    for (const line of d.entries.split('\n')) {
      const parts = line.split('\t');
      if (parts.length !== 2 || !parts[0]!.trim() || !parts[1]!.trim() || parts.some((p) => p !== p.trim())) return error(400, `Invalid glossary entry: '${line}'`);
      if (entries.some(([s]) => s === parts[0])) return error(400, `Duplicate source entry: '${parts[0]}'`);
      entries.push([parts[0]!, parts[1]!]);
    }
    const g: Glossary = {
      id: randomUUID(), name: b.name, source: String(d.source_lang).toLowerCase(), target: String(d.target_lang).toLowerCase(),
      entries, creation_time: new Date().toISOString(), pendingReads: opts.glossaryDelayReads ?? 0,
    };
    glossaries.set(g.id, g);
    return { status: 201, body: info(g) };
  }

  function answer(route: Route, req: IncomingMessage, rawBody: string): Act {
    if (req.headers.authorization !== `DeepL-Auth-Key ${key}`) return FAULTS.badKey;
    if (route === 'glossaries.list') return { status: 200, body: { glossaries: [...glossaries.values()].map(info) } };
    if (route === 'glossaries.get') {
      const g = glossaries.get(decodeURIComponent(new URL(req.url ?? '', 'http://x').pathname.split('/').at(-1)!));
      if (!g || g.pendingReads > 0) {
        if (g) g.pendingReads--;
        return error(404, 'Glossary not found.');
      }
      return { status: 200, body: info(g) };
    }
    if (route === 'other') return error(404, 'Not found.');
    if (Buffer.byteLength(rawBody, 'utf8') > 128 * 1024) return error(413, 'Request Entity Too Large');
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return error(415, 'Expected a JSON body.');
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      return error(400, 'Invalid JSON body.');
    }
    return route === 'translate' ? translate(body) : createGlossary(body);
  }

  server = await startFaultServer((_n, req, body) => {
    const route = routeOf(req.method ?? '', req.url ?? '');
    counts.set(route, (counts.get(route) ?? 0) + 1);
    const fault = faults.find((f) => f.route === route && f.times > 0);
    if (fault && fault.skip > 0) fault.skip--;
    else if (fault) {
      fault.times--;
      return fault.act;
    }
    return answer(route, req, body);
  });

  return {
    url: server.url,
    key,
    requests: server.requests,
    translated,
    billedCharacters: () => translated.reduce((a, t) => a + t.billed, 0),
    count: (route) => counts.get(route) ?? 0,
    glossaries,
    get earlyGlossaryUse() { return state.earlyGlossaryUse; },
    set earlyGlossaryUse(v: number) { state.earlyGlossaryUse = v; },
    inject: (route, act, times = 1, skip = 0) => { faults.push({ route, act, times, skip }); },
    received: server.received,
    release: server.release,
    close: server.close,
  };
}

function applyGlossary(text: string, g: Glossary | undefined): string {
  if (!g) return text;
  let out = text;
  for (const [from, to] of [...g.entries].sort((a, b) => b[0].length - a[0].length)) {
    out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'giu'), to);
  }
  return out;
}
