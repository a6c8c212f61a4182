import { createRequire } from 'node:module';

// `langs` ships the ISO 639-1/2B/2T/3 table with English and native names; it has no types.
interface LangRecord { '1': string; '2': string; '2B': string; '2T': string; '3': string; name: string; local: string }
const langs = createRequire(import.meta.url)('langs') as {
  where(type: '1' | '2' | '2B' | '2T' | '3' | 'name' | 'local', value: string): LangRecord | undefined;
};

export interface Language {
  /** ISO 639-1, the code dubarr uses everywhere internally and in sidecar names ('es'). */
  code: string;
  /** ISO 639-2/B, for stream language tags ('spa', 'ger'). */
  iso6392B: string;
  /** ISO 639-2/T, the form most tools' mode names use ('deu'). */
  iso6392T: string;
  name: string;
  /** The language's own name ('Español'), for track titles. */
  nativeName: string;
}

function toLanguage(r: LangRecord): Language {
  return { code: r['1'], iso6392B: r['2B'], iso6392T: r['2T'], name: r.name, nativeName: r.local };
}

/**
 * Tags that say "no particular language" rather than naming one: ISO 639-2 'und'
 * (undetermined, the most common stream tag there is), 'mis' (uncoded), 'mul' (several),
 * 'zxx' (no linguistic content), the 'qaa'-'qtz' local-use range (broadcasters put 'qaa' on
 * the original-language track), and the words tools write for "don't know".
 */
const UNKNOWN_TAGS = new Set(['und', 'mis', 'mul', 'zxx', 'unknown', 'none', 'n/a', 'undefined', 'null']);

/** A tag that deliberately says "unknown" (as opposed to a misspelt code). */
export function isUnknownMarker(tag: string): boolean {
  const t = tag.trim().toLowerCase();
  const base = t.split(/[-_]/)[0]!;
  return !base || UNKNOWN_TAGS.has(t) || UNKNOWN_TAGS.has(base) || /^q[a-t][a-z]$/.test(base);
}

/**
 * Resolves a language given as ISO 639-1, 639-2/B, 639-2/T, 639-3 or an English name,
 * in any case, with or without a region ('pt-BR' -> 'pt'). Undefined for anything that does
 * not name a language: not a string, empty, 'und', 'mis', 'mul', 'zxx', 'qaa'-'qtz', 'unknown'.
 * This is the one reading of a language tag: every probe tag, file name tag and stage
 * parameter goes through it, so "unknown" is never passed on as if it were a language.
 */
export function lookupLanguage(input: unknown): Language | undefined {
  if (typeof input !== 'string') return undefined;
  if (isUnknownMarker(input)) return undefined;
  const raw = input.trim();
  const base = raw.split(/[-_]/)[0]!.toLowerCase();
  const r = base.length === 2 ? langs.where('1', base)
    : base.length === 3 ? (langs.where('2B', base) ?? langs.where('2T', base) ?? langs.where('3', base))
    : langs.where('name', raw.charAt(0).toUpperCase() + raw.slice(1).toLowerCase());
  return r ? toLanguage(r) : undefined;
}

/**
 * The tag as given ('pt-BR' stays 'pt-BR', so a provider can pick a regional variant) when it
 * names a language, else undefined.
 */
export function knownLanguageTag(input: unknown): string | undefined {
  return lookupLanguage(input) ? (input as string).trim() : undefined;
}

/** Like lookupLanguage, but throws a message naming the bad code. */
export function requireLanguage(input: string): Language {
  const l = lookupLanguage(input);
  if (l) return l;
  throw new RangeError(isUnknownMarker(input)
    ? `'${input}' means "language unknown", not a language: name one such as 'es', or use 'auto' to detect it.`
    : `Unknown language '${input}': use an ISO 639 code such as 'es' or 'spa'.`);
}

/** Normalizes to the internal ISO 639-1 code; undefined when unknown (see lookupLanguage). */
export function languageCode(input: unknown): string | undefined {
  return lookupLanguage(input)?.code;
}
