import { foldCase } from '../../plugins/sdk/comparable-text.js';
import { editDistance } from '../../plugins/sdk/edit-distance.js';

/** The candidate a typo most likely meant, if one is close enough to be worth suggesting. */
export function closestMatch(input: string, candidates: Iterable<string>): string | undefined {
  const wanted = [...foldCase(input)];
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(wanted.length / 4)) + 1;
  for (const c of candidates) {
    const d = editDistance(wanted, [...foldCase(c)]);
    if (d < bestDistance) { best = c; bestDistance = d; }
  }
  return best;
}
