/**
 * Which stretches of a video lip-sync re-renders: the dubbed lines that show a face, each widened
 * to the keyframes around it (the rest of the stream is copied, and a copy can only start at a
 * keyframe), and merged with its neighbour when the gap between them is short (every span costs
 * an engine call and a few frames of re-encoding, and a gap of a second or two is cheaper to
 * re-render than to cut twice).
 */

export interface TimeRange {
  startMs: number;
  endMs: number;
}

/** A dubbed line: where its fitted clip plays on the film's timeline. */
export interface DubbedLine extends TimeRange {
  id: string;
}

export interface PlannedSpan extends TimeRange {
  /** The lines it re-renders. */
  lines: string[];
}

/**
 * Times (ms) to look for a face inside a line: `perSecond` a second, centred in equal shares of
 * the line, at least one (its middle) however short it is.
 */
export function sampleTimes(line: TimeRange, perSecond: number): number[] {
  const length = Math.max(0, line.endMs - line.startMs);
  const count = Math.max(1, Math.round((length / 1000) * perSecond));
  return Array.from({ length: count }, (_, i) => Math.round(line.startMs + ((i + 0.5) * length) / count));
}

/** The last keyframe at or before `ms` (the first one when none is). */
function keyframeBefore(keyframesMs: readonly number[], ms: number): number {
  let best = keyframesMs[0] ?? 0;
  for (const k of keyframesMs) if (k <= ms) best = k; else break;
  return best;
}

/** The first keyframe at or after `ms`, else the stream's end. */
function keyframeAfter(keyframesMs: readonly number[], ms: number, durationMs: number): number {
  for (const k of keyframesMs) if (k >= ms) return k;
  return durationMs;
}

/**
 * Spans to re-render for these lines: each line clipped to the stream, widened to the keyframes
 * around it, then merged with the next when they overlap or the gap is under `mergeGapMs`.
 * `keyframesMs` ascending, on the same timeline as the lines (the video's start = 0).
 */
export function planSpans(lines: readonly DubbedLine[], keyframesMs: readonly number[], durationMs: number, mergeGapMs: number): PlannedSpan[] {
  const widened = lines
    .map((l) => ({ id: l.id, startMs: Math.max(0, l.startMs), endMs: Math.min(durationMs, l.endMs) }))
    .filter((l) => l.endMs > l.startMs)
    .map((l) => ({ lines: [l.id], startMs: keyframeBefore(keyframesMs, l.startMs), endMs: keyframeAfter(keyframesMs, l.endMs, durationMs) }))
    .sort((a, b) => a.startMs - b.startMs);
  const spans: PlannedSpan[] = [];
  for (const s of widened) {
    const last = spans[spans.length - 1];
    if (last && (s.startMs <= last.endMs || s.startMs - last.endMs < mergeGapMs)) {
      // The gap is re-rendered too: both ends of it are keyframes, so the merged span still starts and ends on one.
      last.endMs = Math.max(last.endMs, s.endMs);
      last.lines.push(...s.lines);
    } else {
      spans.push({ ...s, lines: [...s.lines] });
    }
  }
  return spans;
}
