/**
 * The glossary every translate provider honours: terms kept as they are (names, brands) or
 * forced to a given translation. Terms are swapped for placeholders the engine passes
 * through untouched, then swapped back, so no engine can translate, inflect or drop them.
 */
import { z } from 'zod';
import { DubarrError } from './errors.js';
import type { StageParams } from './plugin.js';

export const GlossaryEntry = z.object({
  term: z.string().trim().min(1),
  /** Omitted: keep the term exactly as the source wrote it. */
  translation: z.string().optional(),
});
export type GlossaryEntry = z.infer<typeof GlossaryEntry>;

export const Glossary = z.array(GlossaryEntry);

/**
 * Later lists win: a term (compared case-insensitively) in a later list replaces the same
 * term of an earlier one. Call it as mergeGlossaries(pluginOptions.glossary, jobGlossary).
 */
export function mergeGlossaries(...lists: ReadonlyArray<readonly GlossaryEntry[]>): GlossaryEntry[] {
  const byTerm = new Map<string, GlossaryEntry>();
  for (const list of lists) for (const e of list) byTerm.set(normalizeTerm(e.term), e);
  return [...byTerm.values()];
}

/** The job's own entries (`params.glossary`), validated. */
export function jobGlossary(params: StageParams): GlossaryEntry[] {
  if (params.glossary === undefined) return [];
  const r = Glossary.safeParse(params.glossary);
  if (!r.success) {
    throw new DubarrError('E_INVALID_ARGUMENT', `params.glossary must be a list of { term, translation? }: ${z.prettifyError(r.error)}`);
  }
  return r.data;
}

/** How a provider's engine writes a placeholder, and how to find it again in the output. */
export interface PlaceholderStyle {
  make(index: number): string;
  /** Global regex; group 1 is the index. Tolerates what the engine may do around it. */
  find: RegExp;
}

/**
 * ⟦n⟧: engines treat it as punctuation around a number, so it is neither translated, nor
 * marked unknown, nor does it break the grammar of the words around it (checked on apertium).
 */
export const BRACKET_PLACEHOLDERS: PlaceholderStyle = {
  make: (i) => `⟦${i}⟧`,
  find: /⟦\s*(\d+)\s*⟧/gu,
};

export interface ProtectedText {
  /** The text with each matched term replaced by a placeholder. */
  text: string;
  /** What placeholder i turns back into. */
  replacements: string[];
}

export interface RestoredText {
  text: string;
  /** Placeholders the engine lost; their terms are missing from the text. */
  missing: number[];
}

export interface CompiledGlossary {
  readonly size: number;
  protect(text: string): ProtectedText;
  restore(translated: string, protectedText: ProtectedText): RestoredText;
}

const LETTER_OR_DIGIT = '[\\p{L}\\p{N}_]';

/** Compiles the entries once for all segments of a job. */
export function compileGlossary(entries: readonly GlossaryEntry[], style: PlaceholderStyle = BRACKET_PLACEHOLDERS): CompiledGlossary {
  const byTerm = new Map(entries.map((e) => [normalizeTerm(e.term), e]));
  // Longest first, so 'New York City' wins over 'New York'.
  const alternatives = [...byTerm.keys()].sort((a, b) => b.length - a.length).map(termPattern);
  const matcher = alternatives.length
    ? new RegExp(`(?<!${LETTER_OR_DIGIT})(?:${alternatives.join('|')})(?!${LETTER_OR_DIGIT})`, 'giu')
    : undefined;

  return {
    size: byTerm.size,
    protect(text) {
      if (!matcher) return { text, replacements: [] };
      const replacements: string[] = [];
      const out = text.replace(matcher, (found) => {
        const entry = byTerm.get(normalizeTerm(found));
        replacements.push(entry?.translation ?? found);
        return style.make(replacements.length - 1);
      });
      return { text: out, replacements };
    },
    restore(translated, p) {
      if (p.replacements.length === 0) return { text: translated, missing: [] };
      const seen = new Set<number>();
      const text = translated.replace(new RegExp(style.find.source, style.find.flags), (whole, index: string) => {
        const i = Number(index);
        const r = p.replacements[i];
        if (r === undefined) return whole;
        seen.add(i);
        return r;
      });
      return { text, missing: p.replacements.map((_, i) => i).filter((i) => !seen.has(i)) };
    },
  };
}

function normalizeTerm(term: string): string {
  return term.trim().replace(/\s+/gu, ' ').toLocaleLowerCase();
}

function termPattern(term: string): string {
  // Any run of white space in the text matches a space of the term ('New\nYork' is 'New York').
  return term.split(' ').map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+');
}
