/**
 * Raw cues -> timed, cleaned, ordered text segments that never overlap.
 */
import { cleanCue, type Turn } from './clean.js';
import type { RawCue } from './parse.js';

export interface TextSegment {
  start: number;
  end: number;
  text: string;
  speaker?: string;
}

/** Shortest time one turn of a two-speaker cue may get; below it the cue stays whole. */
export const MIN_TURN_MS = 400;

export function cuesToSegments(cues: readonly RawCue[]): { segments: TextSegment[]; emptyCues: number } {
  const segments: TextSegment[] = [];
  let emptyCues = 0;
  for (const cue of cues) {
    const turns = cleanCue(cue.content, cue.actor);
    if (turns.length === 0) emptyCues++;
    else segments.push(...turnsToSegments(cue, turns));
  }
  return { segments: withoutOverlaps(segments), emptyCues };
}

/**
 * A cue with dialogue dashes holds several speakers. Each gets its own segment, the cue's
 * time shared in proportion to text length, when every share is long enough to speak;
 * otherwise the cue stays one segment.
 */
function turnsToSegments(cue: RawCue, turns: Turn[]): TextSegment[] {
  if (turns.length === 1) return [{ start: cue.start, end: cue.end, ...turns[0]! }];
  const total = turns.reduce((n, t) => n + t.text.length, 0);
  const dur = cue.end - cue.start;
  if (turns.every((t) => (dur * t.text.length) / total >= MIN_TURN_MS)) {
    let chars = 0;
    return turns.map((t) => {
      const start = cue.start + Math.round((dur * chars) / total);
      chars += t.text.length;
      return { ...t, start, end: cue.start + Math.round((dur * chars) / total) };
    });
  }
  return [joinTurns(cue.start, cue.end, turns)];
}

function joinTurns(start: number, end: number, turns: readonly Turn[]): TextSegment {
  const speakers = new Set(turns.map((t) => t.speaker));
  const speaker = speakers.size === 1 ? turns[0]!.speaker : undefined;
  return { start, end, text: turns.map((t) => t.text).join(' '), ...(speaker ? { speaker } : {}) };
}

/**
 * Sorted by start; exact duplicates (ASS layers) dropped; an overlap is cut at the later
 * cue's start, or the two are joined when the earlier would be left too short to speak.
 */
export function withoutOverlaps(input: readonly TextSegment[]): TextSegment[] {
  const sorted = input.map((s, i) => ({ s, i })).sort((a, b) => a.s.start - b.s.start || a.i - b.i).map((x) => x.s);
  const out: TextSegment[] = [];
  for (const seg of sorted) {
    const prev = out.at(-1);
    if (prev && prev.start === seg.start && prev.end === seg.end && prev.text === seg.text) continue;
    if (prev && seg.start < prev.end) {
      if (seg.start - prev.start >= MIN_TURN_MS) prev.end = seg.start;
      else { out[out.length - 1] = joinTurns(prev.start, Math.max(prev.end, seg.end), [prev, seg]); continue; }
    }
    out.push({ ...seg });
  }
  return out;
}
