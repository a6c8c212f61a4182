/**
 * Text too long for one cue (more than maxLines full lines) becomes several sequential
 * cues. Cuts fall between words, preferably after a sentence, then after a clause, with
 * parts of similar length; a part that cannot fit even alone (one huge word) stays whole.
 */
import { breakLines, charCount, type LineRules } from './line-break.js';

const SENTENCE_END = /[.!?…]["'»”’)\]]*$/;
const CLAUSE_END = /[,;:–—]["'»”’)\]]*$/;

export function splitToFit(text: string, r: LineRules): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length <= 1 || breakLines(text, r)) return words.length ? [words.join(' ')] : [];
  const fitsLeft: number[] = [];
  for (let k = 1; k < words.length; k++) {
    if (!breakLines(words.slice(0, k).join(' '), r)) break;
    fitsLeft.push(k);
  }
  if (fitsLeft.length === 0) return [words[0]!, ...splitToFit(words.slice(1).join(' '), r)];
  const both = new Set(fitsLeft.filter((k) => breakLines(words.slice(k).join(' '), r)));
  const total = charCount(words.join(' '));
  // Aim for parts of equal length: halves when two parts can do, else a share of the
  // number of full cues the text needs (a little slack: lines rarely fill up exactly).
  const parts = both.size ? 2 : Math.max(2, Math.ceil(total / (r.maxLines * (r.maxLineChars - 4))));
  const score = (k: number) => {
    const left = charCount(words.slice(0, k).join(' '));
    const last = words[k - 1]!;
    let s = Math.abs(total / parts - left);
    if (SENTENCE_END.test(last)) s -= 30;
    else if (CLAUSE_END.test(last)) s -= 15;
    else if (r.words.noLineEnd.has(last.toLowerCase())) s += 16;
    // One more cue is worth a natural cut, not an arbitrary one.
    if (both.size && !both.has(k)) s += 25;
    // A new sentence's first word left alone at the end of a cue.
    if (k >= 2 && SENTENCE_END.test(words[k - 2]!)) s += 20;
    return s;
  };
  const pool = fitsLeft;
  const k = pool.reduce((a, b) => (score(b) < score(a) ? b : a));
  return [words.slice(0, k).join(' '), ...splitToFit(words.slice(k).join(' '), r)];
}
