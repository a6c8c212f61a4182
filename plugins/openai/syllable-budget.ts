/**
 * How many syllables fit a line's slot: the slot's length (up to the next line, as the synthesis
 * step measures it) times the target language's usual speech rate. Rates are the syllables per
 * second of read speech measured across languages by Pellegrino, Coupé & Marsico (2011, "A
 * cross-language perspective on speech information rate", Language 87(3)); languages it did not
 * measure get the middle of its range. A translator told the budget writes lines that fit, so
 * the fit step stretches less.
 */
import { lookupLanguage } from '../sdk/languages.js';
import { availableSlots, type SlotUnit } from '../sdk/synthesis.js';

const SYLLABLES_PER_SECOND: Readonly<Record<string, number>> = {
  en: 6.19, fr: 7.18, de: 5.97, it: 6.99, ja: 7.84, zh: 5.18, es: 7.82, vi: 5.22,
};
export const DEFAULT_SYLLABLES_PER_SECOND = 6.5;

export function speechRate(language: string, override?: number): number {
  return override ?? SYLLABLES_PER_SECOND[lookupLanguage(language)?.code ?? ''] ?? DEFAULT_SYLLABLES_PER_SECOND;
}

/** Per unit, the most syllables its slot holds at `rate` syllables per second (at least 1). */
export function syllableBudgets(units: readonly SlotUnit[], rate: number): number[] {
  return availableSlots(units).map((ms) => Math.max(1, Math.floor((ms / 1000) * rate)));
}
