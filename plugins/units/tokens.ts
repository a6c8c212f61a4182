/**
 * A segment's text as words ("tokens", with their punctuation), timed from the segment's
 * word timings when those can be matched to the text. Cuts only ever fall between tokens.
 */
import { spellingKey as key } from '../sdk/comparable-text.js';
import type { Word } from '../sdk/index.js';

export interface Token {
  text: string;
  start?: number;
  end?: number;
}

export function tokenize(text: string, words?: readonly Word[]): Token[] {
  const tokens: Token[] = text.split(/\s+/).filter(Boolean).map((t) => ({ text: t }));
  if (!words?.length) return tokens;
  return timeTokens(tokens, words) ?? tokens;
}

/** Timed copies of `tokens`, or undefined when the words do not match the text. */
function timeTokens(tokens: Token[], words: readonly Word[]): Token[] | undefined {
  if (words.length === tokens.length) return tokens.map((t, i) => ({ ...t, start: words[i]!.start, end: words[i]!.end }));
  const out: Token[] = [];
  let j = 0;
  for (const t of tokens) {
    const k = key(t.text);
    if (!k) { out.push({ ...t }); continue; } // punctuation-only ('-', '…'): timed from its neighbours below
    const m = matchAt(k, words, j);
    if (m === undefined) return undefined;
    out.push({ ...t, start: words[m.first]!.start, end: words[m.last]!.end });
    j = m.last + 1;
  }
  out.forEach((t, i) => {
    if (t.start !== undefined) return;
    const near = out[i - 1]?.end ?? out.find((x) => x.start !== undefined)?.start;
    t.start = t.end = near;
  });
  return out.every((t) => t.start !== undefined) ? out : undefined;
}

/** The words from index `from` (skipping up to 2 the text lacks) that spell `k`. */
function matchAt(k: string, words: readonly Word[], from: number): { first: number; last: number } | undefined {
  for (let first = from; first < Math.min(words.length, from + 3); first++) {
    let spelled = '';
    for (let last = first; last < words.length && spelled.length < k.length; last++) {
      spelled += key(words[last]!.text);
      if (spelled === k) return { first, last };
    }
  }
  return undefined;
}
