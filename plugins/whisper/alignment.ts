/**
 * Word timing from the decoder's cross-attention (the method of OpenAI's reference and of
 * transformers' token timestamps): the attention of the heads the export names as aligned
 * (generation_config alignment_heads), standardized per frame across tokens, smoothed by a
 * median filter over 7 frames, averaged over heads, then a monotonic path through it by
 * dynamic time warping; a token starts where the path first reaches it. Without the
 * attention outputs, a segment's time is shared among its words by length.
 */

/** rows: per token (plus one for what follows the last), [head][frame]; returns each row's first frame on the path. */
export function tokenStartFrames(rows: readonly Float32Array[], heads: number, frames: number): number[] {
  const n = rows.length;
  const matrix = new Float64Array(n * frames);
  const column = new Float64Array(n);
  const smoothed = new Float64Array(frames);
  const standard = new Float64Array(n * frames);
  for (let h = 0; h < heads; h++) {
    for (let f = 0; f < frames; f++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += column[i] = rows[i]![h * frames + f]!;
      mean /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (column[i]! - mean) ** 2;
      const sd = Math.sqrt(v / n) || 1;
      for (let i = 0; i < n; i++) standard[i * frames + f] = (column[i]! - mean) / sd;
    }
    for (let i = 0; i < n; i++) {
      medianFilter(standard.subarray(i * frames, (i + 1) * frames), 7, smoothed);
      for (let f = 0; f < frames; f++) matrix[i * frames + f] += smoothed[f]! / heads;
    }
  }
  const path = dtw(matrix, n, frames);
  const start = new Array<number>(n).fill(-1);
  for (const [i, f] of path) if (start[i] === -1) start[i] = f;
  return start;
}

function medianFilter(x: Float64Array, width: number, out: Float64Array): void {
  const half = width >> 1;
  const win: number[] = [];
  for (let i = 0; i < x.length; i++) {
    win.length = 0;
    for (let k = i - half; k <= i + half; k++) win.push(x[Math.min(x.length - 1, Math.max(0, k))]!);
    win.sort((a, b) => a - b);
    out[i] = win[half]!;
  }
}

/** The cheapest monotonic path through -matrix from (0,0) to (n-1, m-1), as (row, frame) pairs. */
export function dtw(matrix: Float64Array, n: number, m: number): Array<[number, number]> {
  const W = m + 1;
  const cost = new Float64Array((n + 1) * W).fill(Infinity);
  const trace = new Int8Array((n + 1) * W);
  cost[0] = 0;
  for (let j = 1; j <= m; j++) {
    for (let i = 1; i <= n; i++) {
      const c0 = cost[(i - 1) * W + j - 1]!, c1 = cost[(i - 1) * W + j]!, c2 = cost[i * W + j - 1]!;
      let c: number, t: number;
      if (c0 < c1 && c0 < c2) { c = c0; t = 0; } else if (c1 < c0 && c1 < c2) { c = c1; t = 1; } else { c = c2; t = 2; }
      cost[i * W + j] = -matrix[(i - 1) * m + j - 1]! + c;
      trace[i * W + j] = t;
    }
  }
  const path: Array<[number, number]> = [];
  let i = n, j = m;
  while (i > 0 || j > 0) {
    path.push([i - 1, j - 1]);
    const t = i === 0 ? 2 : j === 0 ? 1 : trace[i * W + j]!;
    if (t === 0) { i--; j--; } else if (t === 1) i--; else j--;
  }
  return path.reverse().filter(([a, b]) => a >= 0 && b >= 0);
}

/** Languages written without spaces between words: each token is a word there. */
const UNSPACED = new Set(['zh', 'ja', 'th', 'lo', 'my', 'yue']);

export interface WordTokens { text: string; from: number; to: number }

/** Groups a segment's text tokens into words: a token beginning with a space starts one; punctuation stays with its word. */
export function groupWords(tokens: readonly number[], bytesOf: (ids: number[]) => Uint8Array, language: string): WordTokens[] {
  const words: WordTokens[] = [];
  const utf8 = new TextDecoder('utf-8', { fatal: false });
  let from = 0;
  const flush = (to: number) => {
    const text = utf8.decode(bytesOf(tokens.slice(from, to))).trim();
    if (text) words.push({ text, from, to });
    from = to;
  };
  for (let i = 0; i < tokens.length; i++) {
    const bytes = bytesOf([tokens[i]!]);
    const startsWord = UNSPACED.has(language) ? completeUtf8(bytesOf(tokens.slice(from, i))) : bytes[0] === 0x20;
    if (i > from && startsWord) flush(i);
  }
  flush(tokens.length);
  return words;
}

function completeUtf8(b: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return b.length > 0;
  } catch {
    return false;
  }
}

/** Without attention: the segment's time shared by the words' lengths in characters. */
export function wordsByLength(words: readonly WordTokens[], start: number, end: number): Array<{ start: number; end: number }> {
  const total = words.reduce((n, w) => n + w.text.length, 0) || 1;
  let at = start;
  return words.map((w) => {
    const s = at;
    at += ((end - start) * w.text.length) / total;
    return { start: Math.round(s), end: Math.round(at) };
  });
}
