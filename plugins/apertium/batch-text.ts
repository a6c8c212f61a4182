/**
 * All segments of a job go through one apertium process as plain text, one paragraph per
 * segment. A blank line is a paragraph break to apertium's text deformatter: it is never
 * moved, merged or dropped, and translation never creates one (segments hold no newlines),
 * so the output splits back 1:1. A segment that translates to nothing still keeps its break.
 */
import { DubarrError } from '../sdk/index.js';

export function oneLine(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

export function joinParagraphs(texts: readonly string[]): string {
  return `${texts.map(oneLine).join('\n\n')}\n`;
}

export function splitParagraphs(output: string, expected: number): string[] {
  const body = output.endsWith('\n') ? output.slice(0, -1) : output;
  const parts = expected === 0 ? [] : body.split(/\n[^\S\n]*\n/u).map((p) => oneLine(p));
  if (parts.length !== expected) {
    throw new DubarrError('E_PROVIDER_FAILED',
      `apertium returned ${parts.length} paragraphs for ${expected} segments, so translations cannot be matched to segments; ` +
      'please report this with the job log (the input text is in it).', { details: { expected, got: parts.length } });
  }
  return parts;
}

/**
 * Removes apertium's marks: *word (unknown to the analyser), @word (no bilingual entry),
 * #word (cannot be generated). A mark the source itself had ('#1', '@home') stays.
 */
export function stripUnknownMarks(translated: string, source: string): string {
  const inSource = source.toLocaleLowerCase();
  return translated.replace(/(?<![\p{L}\p{N}])[*@#]([\p{L}\p{N}][\p{L}\p{N}'’_-]*)/gu,
    (marked: string, word: string) => (inSource.includes(marked.toLocaleLowerCase()) ? marked : word));
}
