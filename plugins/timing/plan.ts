/**
 * Timing fit: where each dubbed unit goes and how much it is sped up. The rules, in order:
 * use the gap before the next unit; (the synthesizer has already re-spoken overlong units
 * faster); time-stretch what still overflows, bounded by maxFactor; smooth factors across
 * neighbours so the pace does not jump; never overlap the next unit; start every unit at its
 * source start, so nothing drifts however long the film.
 */
export interface TimedClip {
  id: string;
  /** The source unit's slot, ms. */
  start: number;
  end: number;
  /** Length of the synthesized clip, ms. */
  durationMs: number;
}

export interface FitOptions {
  /** Most speed-up by time-stretch (pitch kept), on top of any faster synthesis. */
  maxFactor: number;
  /** Silence kept before the next unit starts, ms. */
  minGapMs: number;
  /** Largest change of factor between neighbouring units. */
  maxStep: number;
  /** A pause at least this long between units resets the pace (a new scene, a new speaker). */
  paceBreakMs: number;
  /** Media end, ms: the last unit may not run past it. */
  mediaEndMs?: number;
}

export const DEFAULT_FIT: FitOptions = { maxFactor: 1.25, minGapMs: 80, maxStep: 0.08, paceBreakMs: 1500 };

export interface PlacedClip extends TimedClip {
  /** Time the clip may occupy: up to the next unit's start minus the gap. */
  availableMs: number;
  /** Time-stretch factor (1 = unchanged, 1.2 = 20 % faster). */
  factor: number;
  placedStart: number;
  placedEnd: number;
  /** What still did not fit at maxFactor and is cut (with a fade) at the slot's end, ms. */
  overflowMs: number;
}

export function planTiming(clips: readonly TimedClip[], opts: FitOptions = DEFAULT_FIT): PlacedClip[] {
  const sorted = [...clips].sort((a, b) => a.start - b.start);
  // Up to the next unit's start less the gap; overlapping source units (two speakers at once)
  // keep their own slots; the last unit may run to the end of the media.
  const avail = sorted.map((c, i) => {
    const next = sorted[i + 1];
    const until = next ? (next.start > c.end ? next.start - opts.minGapMs : c.end) : opts.mediaEndMs ?? Infinity;
    return Math.max(1, until - c.start);
  });
  const needed = sorted.map((c, i) => Math.min(opts.maxFactor, Math.max(1, c.durationMs / avail[i]!)));

  // Raise (never lower) factors so neighbours differ by at most maxStep, within a run of
  // units not separated by a long pause; lowering would bring back overlaps.
  const factors = [...needed];
  const joined = (i: number) => sorted[i + 1]!.start - sorted[i]!.end < opts.paceBreakMs;
  for (let i = 1; i < factors.length; i++) {
    if (joined(i - 1)) factors[i] = Math.max(factors[i]!, factors[i - 1]! - opts.maxStep);
  }
  for (let i = factors.length - 2; i >= 0; i--) {
    if (joined(i)) factors[i] = Math.max(factors[i]!, factors[i + 1]! - opts.maxStep);
  }
  return sorted.map((c, i) => {
    const factor = Math.min(opts.maxFactor, ceil3(factors[i]!));
    const stretched = Math.round(c.durationMs / factor);
    const placedEnd = c.start + Math.min(stretched, avail[i]!);
    return { ...c, availableMs: avail[i]!, factor, placedStart: c.start, placedEnd, overflowMs: Math.max(0, stretched - avail[i]!) };
  });
}

// Up, not to nearest: a factor rounded down would leave the clip a millisecond too long for its slot.
const ceil3 = (x: number) => Math.ceil(x * 1000 - 1e-6) / 1000;

export interface FitSummary {
  units: number;
  stretched: number;
  overflows: number;
  maxFactor: number;
  /** Factor distribution: count per bucket ('1.00', '1.00-1.10', '1.10-1.20', '1.20+'). */
  histogram: Record<string, number>;
}

export function summarize(placed: readonly PlacedClip[]): FitSummary {
  const histogram: Record<string, number> = { '1.00': 0, '1.00-1.10': 0, '1.10-1.20': 0, '1.20+': 0 };
  for (const p of placed) {
    const k = p.factor <= 1 ? '1.00' : p.factor <= 1.1 ? '1.00-1.10' : p.factor <= 1.2 ? '1.10-1.20' : '1.20+';
    histogram[k]!++;
  }
  return {
    units: placed.length,
    stretched: placed.filter((p) => p.factor > 1).length,
    overflows: placed.filter((p) => p.overflowMs > 0).length,
    maxFactor: Math.max(1, ...placed.map((p) => p.factor)),
    histogram,
  };
}
