/**
 * Corpus chrF as sacreBLEU computes it by default (chrF2: character n-grams 1-6, whitespace
 * removed, beta 2, case kept, precision and recall averaged over the orders that occur), one
 * reference per segment. Counts are summed over the corpus before the score is taken.
 */

const CHAR_ORDER = 6;
const BETA = 2;

function charNgrams(text: string, n: number): Map<string, number> {
  // Code points, not UTF-16 units, as sacreBLEU (Python) counts characters.
  const chars = Array.from(text.split(/\s+/).join(''));
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= chars.length; i++) {
    const g = chars.slice(i, i + n).join('');
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  return counts;
}

/** 0-100. */
export function corpusChrf(hypotheses: readonly string[], references: readonly string[]): number {
  if (hypotheses.length !== references.length) throw new RangeError(`${hypotheses.length} hypotheses for ${references.length} references`);
  const hyp = new Array<number>(CHAR_ORDER).fill(0);
  const ref = new Array<number>(CHAR_ORDER).fill(0);
  const match = new Array<number>(CHAR_ORDER).fill(0);
  hypotheses.forEach((h, i) => {
    for (let n = 1; n <= CHAR_ORDER; n++) {
      const hc = charNgrams(h, n);
      const rc = charNgrams(references[i]!, n);
      for (const [g, c] of hc) { hyp[n - 1]! += c; match[n - 1]! += Math.min(c, rc.get(g) ?? 0); }
      for (const c of rc.values()) ref[n - 1]! += c;
    }
  });
  let precision = 0;
  let recall = 0;
  let orders = 0;
  for (let n = 0; n < CHAR_ORDER; n++) {
    if (hyp[n]! > 0 && ref[n]! > 0) {
      precision += match[n]! / hyp[n]!;
      recall += match[n]! / ref[n]!;
      orders++;
    }
  }
  if (orders === 0) return 0;
  precision /= orders;
  recall /= orders;
  const f = BETA * BETA;
  return precision + recall > 0 ? (100 * (1 + f) * precision * recall) / (f * precision + recall) : 0;
}
