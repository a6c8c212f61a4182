/**
 * Corpus BLEU as sacreBLEU computes it by default (BLEU-4, its 13a tokenizer, case kept,
 * "exp" smoothing, one reference per segment), so figures compare with published ones.
 * Counts are summed over the whole corpus before the precisions are taken; a sentence-level
 * mean would not be BLEU.
 */

const MAX_ORDER = 4;

/** sacreBLEU's default tokenizer ('13a', after mteval-v13a): punctuation split off, numbers kept whole. */
export function tokenize13a(text: string): string[] {
  let line = text.replace(/<skipped>/g, '').replace(/-\n/g, '').replace(/\n/g, ' ');
  if (line.includes('&')) line = line.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  line = ` ${line} `
    .replace(/([{-~[-` -&(-+:-@/])/g, ' $1 ')
    .replace(/([^0-9])([.,])/g, '$1 $2 ')
    .replace(/([.,])([^0-9])/g, ' $1 $2')
    .replace(/([0-9])(-)/g, '$1 $2 ');
  return line.split(/\s+/).filter(Boolean);
}

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const g = tokens.slice(i, i + n).join(' ');
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  return counts;
}

export interface BleuScore {
  /** 0-100. */
  score: number;
  /** n-gram precisions, 0-100, n = 1..4 (smoothed where nothing matched). */
  precisions: number[];
  brevityPenalty: number;
  hypothesisLength: number;
  referenceLength: number;
}

export function corpusBleu(hypotheses: readonly string[], references: readonly string[]): BleuScore {
  if (hypotheses.length !== references.length) throw new RangeError(`${hypotheses.length} hypotheses for ${references.length} references`);
  const correct = new Array<number>(MAX_ORDER).fill(0);
  const total = new Array<number>(MAX_ORDER).fill(0);
  let hypLen = 0;
  let refLen = 0;
  hypotheses.forEach((h, i) => {
    const hyp = tokenize13a(h);
    const ref = tokenize13a(references[i]!);
    hypLen += hyp.length;
    refLen += ref.length;
    for (let n = 1; n <= MAX_ORDER; n++) {
      const refCounts = ngramCounts(ref, n);
      for (const [g, c] of ngramCounts(hyp, n)) correct[n - 1]! += Math.min(c, refCounts.get(g) ?? 0);
      total[n - 1]! += Math.max(0, hyp.length - n + 1);
    }
  });
  const precisions = new Array<number>(MAX_ORDER).fill(0);
  const brevityPenalty = hypLen >= refLen ? 1 : hypLen > 0 ? Math.exp(1 - refLen / hypLen) : 0;
  // Nothing matched at all: 0, without smoothed precisions (as sacreBLEU does).
  if (correct.every((c) => c === 0)) return { score: 0, precisions, brevityPenalty, hypothesisLength: hypLen, referenceLength: refLen };
  let smooth = 1;
  for (let n = 0; n < MAX_ORDER; n++) {
    if (total[n] === 0) break;
    if (correct[n] === 0) {
      smooth *= 2;
      precisions[n] = 100 / (smooth * total[n]!);
    } else {
      precisions[n] = (100 * correct[n]!) / total[n]!;
    }
  }
  const logMean = precisions.reduce((s, p) => s + (p > 0 ? Math.log(p) : -9999999999), 0) / MAX_ORDER;
  return { score: brevityPenalty * Math.exp(logMean), precisions, brevityPenalty, hypothesisLength: hypLen, referenceLength: refLen };
}
