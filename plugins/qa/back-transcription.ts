/**
 * How well a recognizer understands the dub: the word error rate of what it heard against the
 * translation the dub should say, scored unit by unit. Each recognized word belongs to the dub
 * unit whose placed clip it was heard in (the nearest one, split halfway across a pause), and
 * each unit's words are compared with that unit's text alone. A single alignment of a two-hour
 * film (~20,000 words each side) would fill a 4·10⁸-cell table on the main thread; unit by unit
 * the tables are (unit words)² each, a few hundred cells.
 *
 * Where the recognizer puts every word inside the unit it belongs to, the total is the same as
 * one global alignment's; where it hears a word across a boundary, that word counts against the
 * unit it was heard in, which the global alignment could have matched to the neighbour instead.
 */
import { comparableWords } from '../sdk/comparable-text.js';
import { editDistance, type EditDistanceWork } from '../sdk/edit-distance.js';
import type { WordErrors } from '../sdk/word-error-rate.js';

export interface TimedText { start: number; end: number; text: string }

/** Summed word errors of `heard` against `units`, every heard word scored in one unit. */
export function unitWordErrors(units: readonly TimedText[], heard: readonly TimedText[], work?: EditDistanceWork): WordErrors {
  const sorted = [...units].sort((a, b) => a.start - b.start);
  if (sorted.length === 0) return { errors: heard.flatMap((h) => comparableWords(h.text)).length, referenceWords: 0 };
  // Boundary i splits unit i from unit i+1: halfway across the pause, or where i+1 starts if they overlap.
  const bounds = sorted.slice(1).map((next, i) => (Math.min(sorted[i]!.end, next.start) + next.start) / 2);
  const hypotheses: string[][] = sorted.map(() => []);
  for (const h of [...heard].sort((a, b) => a.start - b.start)) hypotheses[unitAt(bounds, (h.start + h.end) / 2)]!.push(h.text);
  let errors = 0;
  let referenceWords = 0;
  sorted.forEach((u, i) => {
    const reference = comparableWords(u.text);
    errors += editDistance(reference, comparableWords(hypotheses[i]!.join(' ')), work);
    referenceWords += reference.length;
  });
  return { errors, referenceWords };
}

/** Index of the first boundary after `t` (binary search) = the unit `t` falls in. */
function unitAt(bounds: readonly number[], t: number): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bounds[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
