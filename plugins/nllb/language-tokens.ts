/**
 * dubarr's languages (ISO 639-1) as the language tokens of many-to-many models: NLLB-200 writes
 * FLORES-200 codes (ISO 639-3 + script: spa_Latn, zho_Hant), M2M-100 writes __es__.
 *
 * NLLB names individual languages where ISO 639-1 names a macrolanguage (Arabic is arb, Persian
 * pes, Malay zsm ...), and some languages in more than one script: a tag's script subtag picks
 * one ('zh-Hant' -> zho_Hant), else the script the language is mostly written in.
 */
import { DubarrError } from '../sdk/errors.js';
import type { Language } from '../sdk/languages.js';

/** ISO 639-2/T macrolanguage -> the individual language NLLB-200 was trained on. */
const INDIVIDUAL: Readonly<Record<string, string>> = {
  ara: 'arb', fas: 'pes', msa: 'zsm', swa: 'swh', lav: 'lvs', uzb: 'uzn', mon: 'khk', nep: 'npi',
  ori: 'ory', pus: 'pbt', mlg: 'plt', orm: 'gaz', aze: 'azj', yid: 'ydd', que: 'quy', sqi: 'als',
  kur: 'kmr', grn: 'gug', est: 'est', zho: 'zho', aka: 'twi', kon: 'kon', kau: 'knc', hbs: 'hrv',
};

/** Where a language has tokens in several scripts: the usual one. */
const USUAL_SCRIPT: Readonly<Record<string, string>> = { arb: 'Arab', zho: 'Hans', kas: 'Arab', knc: 'Arab', taq: 'Tfng', tzm: 'Tfng', min: 'Latn', bjn: 'Latn', ace: 'Latn' };

/** The language token for `language` (as tagged: `tag` may carry a script), or undefined when the model has none. */
export function languageToken(tokens: readonly string[], language: Language, tag: string): string | undefined {
  const m2m = `__${language.code}__`;
  if (tokens.includes(m2m)) return m2m;
  const base = INDIVIDUAL[language.iso6392T] ?? language.iso6392T;
  const scripts = tokens.filter((t) => t.startsWith(`${base}_`)).map((t) => t.slice(base.length + 1));
  if (scripts.length === 0) return undefined;
  const asked = /[-_]([A-Za-z]{4})(?:[-_]|$)/.exec(tag)?.[1];
  const script = asked ? asked[0]!.toUpperCase() + asked.slice(1).toLowerCase() : undefined;
  if (script && scripts.includes(script)) return `${base}_${script}`;
  const usual = USUAL_SCRIPT[base];
  const pick = (usual && scripts.includes(usual) ? usual : undefined) ?? (scripts.includes('Latn') ? 'Latn' : scripts.sort()[0]!);
  return `${base}_${pick}`;
}

export function requireLanguageToken(tokens: readonly string[], language: Language, tag: string, model: string): string {
  const t = languageToken(tokens, language, tag);
  if (t) return t;
  throw new DubarrError('E_LANGUAGE_UNSUPPORTED', `${model} does not know ${language.name} (${language.code}): it has no language token for it`, { details: { language: language.code } });
}
