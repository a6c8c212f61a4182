/**
 * Breaks cue text into at most maxLines lines of at most maxLineChars, at the most natural
 * place: lines of similar length, a break after punctuation or before a conjunction or
 * preposition, never a line ending on an article or preposition, no one-word line when
 * that is avoidable, and (a tie-break) a top line no longer than the bottom one.
 */
import type { FunctionWords } from './function-words.js';

export interface LineRules {
  maxLineChars: number;
  maxLines: number;
  words: FunctionWords;
}

/** Characters as a reader counts them (code points, not UTF-16 units). */
export function charCount(s: string): number {
  return /[\uD800-\uDFFF]/.test(s) ? [...s].length : s.length;
}

const CLOSERS = `"'»”’)\\]`;
const SENTENCE_END = new RegExp(`[.!?…][${CLOSERS}]*$`);
const CLAUSE_END = new RegExp(`([,;:]|[-–—])[${CLOSERS}]*$`);
const bare = (w: string) => w.toLowerCase().replace(/^[¿¡«“"'(]+|[.,;:!?…»”"')]+$/g, '');

/** The lines, or undefined when the text cannot fit the rules. */
export function breakLines(text: string, r: LineRules): string[] | undefined {
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const lens = words.map(charCount);
  // start[i]: characters before word i on one line, spaces included.
  const start = [0];
  for (const l of lens) start.push(start.at(-1)! + l + 1);
  const width = (from: number, to: number) => start[to]! - start[from]! - 1;
  if (width(0, words.length) <= r.maxLineChars) return [words.join(' ')];
  let best: { cuts: number[]; score: number } | undefined;
  for (let n = 2; n <= r.maxLines && !best; n++) {
    for (const cuts of cutPositions(words.length, n, r.maxLineChars, width)) {
      const score = scoreOf(words, cuts, width, r.words);
      if (!best || score < best.score) best = { cuts, score };
    }
  }
  return best && linesOf(words, best.cuts);
}

/** Every way to cut n words into exactly `lines` lines that each fit (cut = index of a line's first word). */
function* cutPositions(n: number, lines: number, max: number, width: (from: number, to: number) => number, from = 0): Generator<number[]> {
  if (lines === 1) {
    if (width(from, n) <= max) yield [];
    return;
  }
  for (let i = from + 1; i <= n - lines + 1 && width(from, i) <= max; i++) {
    for (const rest of cutPositions(n, lines - 1, max, width, i)) yield [i, ...rest];
  }
}

function linesOf(words: string[], cuts: number[]): string[] {
  const bounds = [0, ...cuts, words.length];
  return bounds.slice(1).map((end, i) => words.slice(bounds[i], end).join(' '));
}

function scoreOf(words: string[], cuts: number[], width: (from: number, to: number) => number, fw: FunctionWords): number {
  const bounds = [0, ...cuts, words.length];
  const lens = bounds.slice(1).map((end, i) => width(bounds[i]!, end));
  const avg = lens.reduce((a, b) => a + b, 0) / lens.length;
  let score = lens.reduce((s, l) => s + Math.abs(l - avg), 0);
  for (const c of cuts) {
    const last = words[c - 1]!;
    const next = words[c]!;
    if (SENTENCE_END.test(last)) score -= 14;
    else if (CLAUSE_END.test(last)) score -= 10;
    else if (fw.noLineEnd.has(bare(last))) score += 16;
    if (fw.breakBefore.has(bare(next))) score -= 6;
  }
  for (let i = 1; i < bounds.length; i++) if (bounds[i]! - bounds[i - 1]! === 1 && words.length > lens.length) score += 30;
  for (let i = 1; i < lens.length; i++) if (lens[i - 1]! > lens[i]!) score += 1;
  return score;
}

/** Greedy wrapping with no limit on the line count, for text that cannot meet the rules. */
export function wrapGreedy(text: string, maxLineChars: number): string[] {
  const lines: string[] = [];
  for (const w of text.split(/\s+/).filter(Boolean)) {
    const last = lines.at(-1);
    if (last !== undefined && charCount(last) + 1 + charCount(w) <= maxLineChars) lines[lines.length - 1] = `${last} ${w}`;
    else lines.push(w);
  }
  return lines;
}
