/**
 * Which stretches of the track Whisper listens to: without VAD, the whole track; with VAD, its
 * speech regions (padded, so word edges are not clipped), packed greedily into spans of at most
 * 30 s, so each encoder pass (always 30 s of input) carries as much speech as fits and no
 * window is cut inside a region when it can be avoided. A region longer than 30 s is a span of
 * its own, walked window by window at the model's own segment boundaries.
 */
import type { SpeechSegments } from '../sdk/index.js';

export interface Span { start: number; end: number }

export const MAX_WINDOW_MS = 30_000;

export function speechSpans(durationMs: number, vad: SpeechSegments | undefined, paddingMs: number, maxMs = MAX_WINDOW_MS): Span[] {
  if (!vad) return durationMs > 0 ? [{ start: 0, end: durationMs }] : [];
  const regions = vad.segments
    .map((s) => ({ start: Math.max(0, s.start - paddingMs), end: Math.min(durationMs, s.end + paddingMs) }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const r of regions) {
    const last = merged.at(-1);
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  const spans: Span[] = [];
  for (const r of merged) {
    const cur = spans.at(-1);
    if (cur && r.end - cur.start <= maxMs && cur.end - cur.start <= maxMs) cur.end = r.end;
    else spans.push({ ...r });
  }
  return spans;
}
