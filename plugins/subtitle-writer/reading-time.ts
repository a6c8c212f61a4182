/**
 * Gives every cue time to be read without overlapping the next: cues are cut back to leave
 * the minimum gap, then lengthened into the following gap (or, for the minimum duration,
 * into the preceding one) until they meet the reading speed and minimum duration. A cue
 * that still cannot be shown long enough is merged with a neighbour when their text fits
 * in one cue. What remains unmet is reported by findViolations.
 */
import { layout, mergeParts, shownChars, type Cue, type Part } from './cue-layout.js';
import type { LineRules } from './line-break.js';

export interface TimingRules {
  maxCps: number;
  minDurationMs: number;
  minGapMs: number;
}

/** A cue with its reading length, computed once per text (line breaking is not free). */
interface Sized extends Cue {
  chars: number;
}

export function fitReadingTime(input: readonly Cue[], t: TimingRules, r: LineRules): Cue[] {
  const cues: Sized[] = input.map((c) => sized(c.start, c.end, c.parts.map((p) => ({ ...p })), r));
  const unmergeable = new Set<Sized>();
  for (;;) {
    keepGaps(cues, t.minGapMs);
    lengthen(cues, t);
    const short = cues.findIndex((c) => c.end - c.start < t.minDurationMs && !unmergeable.has(c));
    if (short < 0) break;
    if (!mergeShort(cues, short, r)) unmergeable.add(cues[short]!);
  }
  keepOrder(cues, t.minGapMs);
  return cues.map(({ chars: _chars, ...c }) => c);
}

function sized(start: number, end: number, parts: Part[], r: LineRules): Sized {
  const lines = layout(parts, r) ?? parts.map((p) => p.text);
  return { start, end, parts, chars: shownChars(lines) };
}

function keepGaps(cues: Cue[], gap: number): void {
  for (let i = 0; i + 1 < cues.length; i++) cues[i]!.end = Math.min(cues[i]!.end, cues[i + 1]!.start - gap);
}

function lengthen(cues: Sized[], t: TimingRules): void {
  cues.forEach((c, i) => {
    const need = Math.max(t.minDurationMs, Math.ceil((c.chars * 1000) / t.maxCps));
    const latest = i + 1 < cues.length ? cues[i + 1]!.start - t.minGapMs : Number.POSITIVE_INFINITY;
    c.end = Math.max(c.end, Math.min(c.start + need, latest));
    if (c.end - c.start < t.minDurationMs) {
      // Showing a cue a little before its speech beats flashing it.
      const earliest = i > 0 ? cues[i - 1]!.end + t.minGapMs : 0;
      c.start = Math.max(earliest, Math.min(c.start, c.end - t.minDurationMs));
    }
  });
}

/** Merges cue i with the neighbour across the smaller gap that still fits; false if neither does. */
function mergeShort(cues: Sized[], i: number, r: LineRules): boolean {
  const c = cues[i]!;
  const options = [
    i > 0 ? { at: i - 1, gap: c.start - cues[i - 1]!.end } : undefined,
    i + 1 < cues.length ? { at: i, gap: cues[i + 1]!.start - c.end } : undefined,
  ].filter((o): o is { at: number; gap: number } => !!o).sort((a, b) => a.gap - b.gap);
  for (const { at } of options) {
    const a = cues[at]!;
    const b = cues[at + 1]!;
    const parts = mergeParts(a.parts, b.parts);
    if (!layout(parts, r)) continue;
    cues.splice(at, 2, sized(Math.min(a.start, b.start), Math.max(a.end, b.end), parts, r));
    return true;
  }
  return false;
}

/**
 * Last resort for cues that started at (nearly) the same time and could not be merged:
 * a later cue starts after the previous one ends, so cues never overlap or run backwards.
 */
function keepOrder(cues: Cue[], gap: number): void {
  for (let i = 0; i < cues.length; i++) {
    const c = cues[i]!;
    if (i > 0) c.start = Math.max(c.start, cues[i - 1]!.end + gap);
    c.end = Math.max(c.end, c.start + 1);
  }
}
