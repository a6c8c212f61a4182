/**
 * ISO 639-2 language codes. Matroska and MP4 store the bibliographic (B) form; files and
 * users also use the terminology (T) form for the 20 languages where the two differ, so
 * matching accepts both and writing always uses B.
 */
import { invalidArgument } from './errors.js';

const T_TO_B: Readonly<Record<string, string>> = {
  sqi: 'alb', hye: 'arm', eus: 'baq', mya: 'bur', zho: 'chi', ces: 'cze', nld: 'dut', fra: 'fre', kat: 'geo', deu: 'ger',
  ell: 'gre', isl: 'ice', mkd: 'mac', mri: 'mao', msa: 'may', fas: 'per', ron: 'rum', slk: 'slo', bod: 'tib', cym: 'wel',
};
const B_TO_T: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(T_TO_B).map(([t, b]) => [b, t]));

/** A 3-letter code in its B form ('deu' -> 'ger'); throws E_INVALID_ARGUMENT otherwise. */
export function toIso639_2B(code: unknown, what: string): string {
  if (typeof code !== 'string' || !/^[a-zA-Z]{3}$/.test(code)) {
    throw invalidArgument(`${what} must be a 3-letter ISO 639-2 code such as 'eng' (got ${JSON.stringify(code)})`);
  }
  const lower = code.toLowerCase();
  return T_TO_B[lower] ?? lower;
}

/** Every tag a stream in `code` may carry: the B and the T form. */
export function languageAliases(code: string): string[] {
  const b = toIso639_2B(code, 'language');
  const t = B_TO_T[b];
  return t ? [b, t] : [b];
}
