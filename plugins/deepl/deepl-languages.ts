/**
 * DeepL's language codes, from its documented list (developers.deepl.com, "Languages
 * supported"), kept here so available() answers without the network. Sources are bare
 * languages ('EN'); targets may name a variant ('EN-GB', 'PT-BR', 'ZH-HANT'), which dubarr
 * takes from the job's tag ('pt-PT') or the plugin's variant options. The beta languages DeepL
 * serves only to some accounts are left out: a job must not be routed to a pair that may fail.
 */
import { DubarrError } from '../sdk/errors.js';
import { lookupLanguage } from '../sdk/languages.js';
import type { DeeplOptions } from './options.js';

/** ISO 639-1 codes DeepL translates from and to (Norwegian is Bokmål, 'nb'). */
export const DEEPL_LANGUAGES = [
  'ar', 'bg', 'cs', 'da', 'de', 'el', 'en', 'es', 'et', 'fi', 'fr', 'he', 'hu', 'id', 'it', 'ja', 'ko',
  'lt', 'lv', 'nb', 'nl', 'pl', 'pt', 'ro', 'ru', 'sk', 'sl', 'sv', 'th', 'tr', 'uk', 'vi', 'zh',
] as const;

/** Target codes DeepL accepts `formality` for (an error for the others, unless prefer_*). */
const FORMALITY_TARGETS = new Set(['DE', 'ES', 'ES-419', 'FR', 'IT', 'JA', 'NL', 'PL', 'PT-BR', 'PT-PT', 'RU']);

/** Glossaries work for every language but Thai (v3 glossary documentation). */
const NO_GLOSSARY = new Set(['th']);

/** Our code for a tag ('no' and 'nb' are both Bokmål to DeepL); undefined when DeepL lacks it. */
export function deeplBase(tag: string): string | undefined {
  const code = lookupLanguage(tag)?.code;
  const base = code === 'no' ? 'nb' : code;
  return base && (DEEPL_LANGUAGES as readonly string[]).includes(base) ? base : undefined;
}

/** Every ordered pair of different languages DeepL translates. */
export function deeplPairs(): Array<[string, string]> {
  return DEEPL_LANGUAGES.flatMap((from) => DEEPL_LANGUAGES.filter((to) => to !== from).map((to): [string, string] => [from, to]));
}

function subtags(tag: string): string[] {
  return tag.trim().split(/[-_]/).slice(1).map((s) => s.toUpperCase());
}

export function deeplSource(tag: string): string {
  const base = deeplBase(tag);
  if (!base) throw unsupported(tag, 'from');
  return base.toUpperCase();
}

/** The target code with its variant: the job's region or script first, else the plugin's default variant. */
export function deeplTarget(tag: string, options: Pick<DeeplOptions, 'englishVariant' | 'portugueseVariant'>): string {
  const base = deeplBase(tag);
  if (!base) throw unsupported(tag, 'into');
  const sub = subtags(tag);
  switch (base) {
    case 'en': return sub.includes('GB') || sub.includes('UK') ? 'EN-GB' : sub.includes('US') ? 'EN-US' : options.englishVariant.toUpperCase();
    case 'pt': return sub.includes('BR') ? 'PT-BR' : sub.includes('PT') ? 'PT-PT' : options.portugueseVariant.toUpperCase();
    case 'zh': return sub.some((s) => ['HANT', 'TW', 'HK', 'MO'].includes(s)) ? 'ZH-HANT' : 'ZH-HANS';
    case 'es': return sub.includes('419') ? 'ES-419' : 'ES';
    default: return base.toUpperCase();
  }
}

export function supportsFormality(target: string): boolean {
  return FORMALITY_TARGETS.has(target);
}

export function supportsGlossary(sourceTag: string, targetTag: string): boolean {
  return ![deeplBase(sourceTag), deeplBase(targetTag)].some((b) => b === undefined || NO_GLOSSARY.has(b));
}

function unsupported(tag: string, direction: 'from' | 'into'): DubarrError {
  return new DubarrError('E_LANGUAGE_UNSUPPORTED',
    `DeepL does not translate ${direction} '${tag}'; it takes ${DEEPL_LANGUAGES.join(', ')}. Choose another translate provider for this language (providers.preference.translate).`);
}
