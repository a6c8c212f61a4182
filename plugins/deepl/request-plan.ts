/**
 * Cuts a job's lines into /v2/translate requests DeepL accepts: at most 50 texts and 128 KiB
 * of body each (developers.deepl.com, "Usage and limits"), counted on the exact JSON that is
 * sent, context included.
 *
 * Each request carries one `context`: the passage around its lines (the lines before it, its
 * own lines, the lines after it). DeepL reads it to translate each text of the request but
 * neither translates nor bills it, so a line is translated knowing what was said around it.
 *
 * The plan depends only on the lines and the options, never on what is cached: a resumed job
 * cuts the same requests, so each line keeps the context (and the cache key) it had.
 */
import { DubarrError } from '../sdk/errors.js';

export const MAX_TEXTS_PER_REQUEST = 50;
export const MAX_REQUEST_BYTES = 128 * 1024;
/** Planned with a glossary id of the longest form DeepL gives (a UUID), before the real one is known. */
export const GLOSSARY_ID_PLACEHOLDER = '00000000-0000-0000-0000-000000000000';

export interface TranslateFields {
  source_lang: string;
  target_lang: string;
  formality?: string;
  glossary_id?: string;
}

export interface TranslateBody extends TranslateFields {
  text: string[];
  context?: string;
  show_billed_characters: true;
}

export function translateBody(texts: readonly string[], context: string | undefined, fields: TranslateFields): TranslateBody {
  const body: TranslateBody = { text: [...texts], source_lang: fields.source_lang, target_lang: fields.target_lang, show_billed_characters: true };
  if (context) body.context = context;
  if (fields.formality) body.formality = fields.formality;
  if (fields.glossary_id) body.glossary_id = fields.glossary_id;
  return body;
}

export const bodyBytes = (body: TranslateBody): number => Buffer.byteLength(JSON.stringify(body), 'utf8');

export interface PlannedRequest {
  /** Indexes into the lines given. */
  lines: number[];
  /** The passage sent as context; undefined when none is sent. */
  context?: string;
}

export function planRequests(lines: readonly string[], opts: { linesPerRequest: number; contextLines: number }, fields: TranslateFields): PlannedRequest[] {
  const perRequest = Math.min(opts.linesPerRequest, MAX_TEXTS_PER_REQUEST);
  const window = (from: number, to: number) => [Math.max(0, from - opts.contextLines), Math.min(lines.length, to + opts.contextLines)] as const;
  const contextOf = (from: number, to: number): string | undefined => (opts.contextLines > 0 ? lines.slice(...window(from, to)).join('\n') : undefined);

  // Sizes by sums of each line's JSON size, so a plan costs one pass over the lines rather
  // than a JSON.stringify per line tried (this runs on the main thread); each planned body is
  // then measured exactly.
  const escaped = lines.map((l) => Buffer.byteLength(JSON.stringify(l), 'utf8') - 2);
  const prefix = [0];
  for (const e of escaped) prefix.push(prefix.at(-1)! + e);
  const span = (a: number, b: number) => prefix[b]! - prefix[a]!;
  const empty = bodyBytes(translateBody([], undefined, fields));
  const contextField = bodyBytes(translateBody([], 'x', fields)) - empty - 1;
  const estimate = (from: number, to: number, withContext: boolean) => {
    const n = to - from;
    let bytes = empty + span(from, to) + 2 * n + (n - 1);
    if (withContext && opts.contextLines > 0) {
      const [a, b] = window(from, to);
      bytes += contextField + span(a, b) + 2 * (b - a - 1); // lines joined by "\n", two bytes escaped
    }
    return bytes;
  };

  const plan: PlannedRequest[] = [];
  for (let from = 0; from < lines.length;) {
    let to = from + 1;
    while (to < lines.length && to - from < perRequest && estimate(from, to + 1, true) <= MAX_REQUEST_BYTES) to++;
    // One line whose passage is too long goes without context.
    let context = estimate(from, to, true) <= MAX_REQUEST_BYTES ? contextOf(from, to) : undefined;
    if (context === undefined && estimate(from, to, false) > MAX_REQUEST_BYTES) {
      throw new DubarrError('E_INVALID_ARGUMENT', `a line of ${Buffer.byteLength(lines[from]!, 'utf8')} bytes is longer than DeepL takes in one request (128 KiB); split it into shorter units`);
    }
    if (bodyBytes(translateBody(lines.slice(from, to), context, fields)) > MAX_REQUEST_BYTES) {
      throw new Error(`request plan: the size estimate was wrong for lines ${from}..${to - 1}`);
    }
    plan.push({ lines: Array.from({ length: to - from }, (_, k) => from + k), context });
    from = to;
  }
  return plan;
}
