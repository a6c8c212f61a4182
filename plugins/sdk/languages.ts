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
 * Resolves a language given as ISO 639-1, 639-2/B, 639-2/T, 639-3 or an English name,
 * in any case, with or without a region ('pt-BR' -> 'pt'). Undefined when unknown
 * (including 'und', 'mul', 'zxx', which say "no particular language").
 */
export function lookupLanguage(input: string | undefined | null): Language | undefined {
  if (!input) return undefined;
  const raw = input.trim();
  const base = raw.split(/[-_]/)[0]!.toLowerCase();
  const r = base.length === 2 ? langs.where('1', base)
    : base.length === 3 ? (langs.where('2B', base) ?? langs.where('2T', base) ?? langs.where('3', base))
    : langs.where('name', raw.charAt(0).toUpperCase() + raw.slice(1).toLowerCase());
  return r ? toLanguage(r) : undefined;
}

/** Like lookupLanguage, but throws a message naming the bad code. */
export function requireLanguage(input: string): Language {
  const l = lookupLanguage(input);
  if (!l) throw new RangeError(`Unknown language '${input}': use an ISO 639 code such as 'es' or 'spa'.`);
  return l;
}

/** Normalizes to the internal ISO 639-1 code; undefined when unknown. */
export function languageCode(input: string | undefined | null): string | undefined {
  return lookupLanguage(input)?.code;
}
