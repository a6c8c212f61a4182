/**
 * Speakers from diarization: each transcript segment gets the diarized speaker heard longest
 * during it, before segments are merged into units (so units never join two speakers).
 * Diarization hears every line while subtitles name only a few speakers, so where it heard
 * someone it decides; a segment it heard no one in keeps its own label.
 */
import type { Diarization } from '../sdk/index.js';
import type { Piece } from './merge.js';

export function labelSpeakers(pieces: readonly Piece[], diarization: Diarization | undefined): Piece[] {
  const turns = [...(diarization?.segments ?? [])].sort((a, b) => a.start - b.start);
  if (turns.length === 0) return [...pieces];
  const longest = Math.max(...turns.map((t) => t.end - t.start));
  return pieces.map((p) => {
    const heard = new Map<string, number>();
    for (let i = firstStartingFrom(turns, p.start - longest); i < turns.length && turns[i]!.start < p.end; i++) {
      const t = turns[i]!;
      const overlap = Math.min(p.end, t.end) - Math.max(p.start, t.start);
      if (overlap > 0) heard.set(t.speaker, (heard.get(t.speaker) ?? 0) + overlap);
    }
    // The longest heard; a tie goes to the lower id, so the result does not depend on turn order.
    const best = [...heard].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'en', { numeric: true }))[0];
    return best ? { ...p, speaker: best[0] } : p;
  });
}

function firstStartingFrom(turns: ReadonlyArray<{ start: number }>, at: number): number {
  let lo = 0;
  let hi = turns.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (turns[mid]!.start < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
