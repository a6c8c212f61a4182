/**
 * Levenshtein distance (substitutions, insertions, deletions, each costing 1) between two
 * sequences: words for word error rates, characters for typo suggestions. The table costs
 * (a.length + 1) x (b.length + 1) cells of time and one row of memory, so callers that compare
 * long texts align them in pieces first (see the QA report's back-transcription).
 */

/** Counts the table cells computed, so a caller can prove its comparisons stay small. */
export interface EditDistanceWork { cells: number }

export function editDistance<T>(a: readonly T[], b: readonly T[], work?: EditDistanceWork): number {
  // The shorter sequence is the row: less memory, the same distance.
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  if (work) work.cells += (long.length + 1) * (short.length + 1);
  if (short.length === 0) return long.length;
  let prev = new Uint32Array(short.length + 1);
  let row = new Uint32Array(short.length + 1);
  for (let j = 0; j <= short.length; j++) prev[j] = j;
  for (let i = 1; i <= long.length; i++) {
    row[0] = i;
    const x = long[i - 1];
    for (let j = 1; j <= short.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (x === short[j - 1] ? 0 : 1));
    }
    [prev, row] = [row, prev];
  }
  return prev[short.length]!;
}
