/**
 * Placeholders a neural translation model carries through: three-digit numbers.
 *
 * The glossary's ⟦n⟧ brackets suit rule-based engines, but a neural model's vocabulary rarely
 * has ⟦ and ⟧: they become the unknown token and vanish. Numbers, though, are in every
 * vocabulary, and translation models learn to copy them verbatim; three digits are short enough
 * that no target language regroups them (12345 may come back as 12.345, 123 does not).
 *
 * Placeholder i is `K` followed by i as two digits (K00, K01 ...), and `K99` separates joined
 * units, where K is a leading digit that no three-digit number of the job's text starts with,
 * so a number the text really holds is never taken for a placeholder.
 */
import type { PlaceholderStyle } from './glossary.js';

export interface NumberPlaceholders {
  style: PlaceholderStyle;
  separator: string;
  /** Splits a translation at the separators (lenient about the spaces around them). */
  split(text: string): string[];
}

const MAX_PLACEHOLDERS = 99;

/** The placeholders for a job whose texts are `texts`, or undefined when every leading digit is taken. */
export function numberPlaceholders(texts: readonly string[]): NumberPlaceholders | undefined {
  const taken = new Set<string>();
  for (const t of texts) for (const m of t.matchAll(/(?<!\d)(\d)\d\d(?!\d)/gu)) taken.add(m[1]!);
  const lead = ['7', '4', '8', '6', '9', '3', '5', '2', '1'].find((d) => !taken.has(d));
  if (!lead) return undefined;
  const separator = `${lead}${MAX_PLACEHOLDERS}`;
  return {
    separator,
    style: {
      make: (i) => {
        if (i >= MAX_PLACEHOLDERS) throw new RangeError(`more than ${MAX_PLACEHOLDERS} glossary terms in one unit`);
        return `${lead}${String(i).padStart(2, '0')}`;
      },
      find: new RegExp(`(?<!\\d)${lead}(?!${MAX_PLACEHOLDERS})(\\d\\d)(?!\\d)`, 'gu'),
    },
    split: (text) => text.split(new RegExp(`\\s*(?<!\\d)${separator}(?!\\d)\\s*`, 'u')).map((p) => p.trim()),
  };
}

