/**
 * Subtitle timing is made for reading: cues appear a little before speech and linger after
 * it. Dubbing needs speech timing, so each cue edge moves to the nearest boundary of a
 * speech segment (from VAD) that overlaps the cue, when that boundary is within the
 * tolerance. Cues keep their order and never come to overlap: a start never moves before
 * the previous cue's (aligned) end, an end never moves past the next cue's start.
 */
export interface Timed {
  start: number;
  end: number;
}

export interface AlignOptions {
  toleranceMs: number;
}

/** Cues must be sorted and non-overlapping; speech segments sorted by start. Returns new objects. */
export function alignToSpeech<T extends Timed>(cues: readonly T[], speech: readonly Timed[], opts: AlignOptions): T[] {
  const out: T[] = [];
  let first = 0;
  for (let i = 0; i < cues.length; i++) {
    const cue = cues[i]!;
    while (first < speech.length && speech[first]!.end <= cue.start) first++;
    const overlapping: Timed[] = [];
    for (let j = first; j < speech.length && speech[j]!.start < cue.end; j++) overlapping.push(speech[j]!);
    const floor = out.at(-1)?.end ?? 0;
    const ceiling = cues[i + 1]?.start ?? Number.POSITIVE_INFINITY;
    let start = Math.max(floor, nearest(cue.start, overlapping.map((s) => s.start), opts.toleranceMs));
    let end = Math.min(ceiling, nearest(cue.end, overlapping.map((s) => s.end), opts.toleranceMs));
    if (end <= start) ({ start, end } = { start: Math.max(floor, cue.start), end: Math.min(ceiling, cue.end) });
    out.push({ ...cue, start, end });
  }
  return out;
}

function nearest(t: number, boundaries: number[], tolerance: number): number {
  let best = t;
  let bestDist = tolerance + 1;
  for (const b of boundaries) {
    const d = Math.abs(b - t);
    if (d < bestDist) { best = b; bestDist = d; }
  }
  return best;
}
