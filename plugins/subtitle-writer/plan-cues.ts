/**
 * Timed text segments -> subtitle cues that follow the reading rules as far as the timing
 * allows, plus the rules that could not be met. Pure; the stage formats and writes.
 */
import { layout, type Cue, type Part } from './cue-layout.js';
import { splitToFit } from './fit-text.js';
import { functionWords } from './function-words.js';
import { charCount, wrapGreedy, type LineRules } from './line-break.js';
import { fitReadingTime } from './reading-time.js';
import { findViolations, type Limits, type TimedLines, type Violation } from './violations.js';

export interface TextSegment {
  start: number;
  end: number;
  text: string;
  speaker?: string;
}

/** A finished cue; `speakers[i]` is who speaks line i, where the text says. */
export interface PlannedCue extends TimedLines {
  speakers: Array<string | undefined>;
}

export interface CuePlan {
  cues: PlannedCue[];
  violations: Violation[];
}

export function planCues(segments: readonly TextSegment[], o: Limits, language?: string): CuePlan {
  const r: LineRules = { maxLineChars: o.maxLineChars, maxLines: o.maxLines, words: functionWords(language) };
  const cues = segments
    .map((s) => ({ ...s, text: s.text.replace(/\s+/g, ' ').trim() }))
    .filter((s) => s.text !== '')
    .sort((a, b) => a.start - b.start)
    .flatMap((s) => chunk(s, r, o.minGapMs));
  const timed = fitReadingTime(cues, o, r).map((c): PlannedCue => {
    const lines = layout(c.parts, r);
    if (lines) return { start: c.start, end: c.end, lines, speakers: lineSpeakers(c.parts, lines.length) };
    const wrapped = wrapGreedy(c.parts.map((p) => p.text).join(' '), o.maxLineChars);
    // Wrapped across speakers, a line no longer belongs to one of them.
    return { start: c.start, end: c.end, lines: wrapped, speakers: wrapped.map(() => (c.parts.length === 1 ? c.parts[0]!.speaker : undefined)) };
  });
  return { cues: timed, violations: findViolations(timed, o) };
}

/** One part fills every line; several parts get a line each (cue-layout.ts). */
function lineSpeakers(parts: readonly Part[], lines: number): Array<string | undefined> {
  return parts.length === 1 ? Array.from({ length: lines }, () => parts[0]!.speaker) : parts.map((p) => p.speaker);
}

/** A segment as one or more sequential cues, time shared in proportion to characters. */
function chunk(s: TextSegment, r: LineRules, gap: number): Cue[] {
  const texts = splitToFit(s.text, r);
  const part = (text: string): Part[] => [{ text, ...(s.speaker !== undefined ? { speaker: s.speaker } : {}) }];
  if (texts.length === 1) return [{ start: s.start, end: Math.max(s.end, s.start), parts: part(texts[0]!) }];
  const gaps = (texts.length - 1) * gap;
  const usable = Math.max(0, s.end - s.start - gaps);
  const total = texts.reduce((n, t) => n + charCount(t), 0);
  let chars = 0;
  return texts.map((text, i) => {
    const start = s.start + Math.round((usable * chars) / total) + i * (usable > 0 ? gap : 0);
    chars += charCount(text);
    const end = s.start + Math.round((usable * chars) / total) + i * (usable > 0 ? gap : 0);
    return { start, end, parts: part(text) };
  });
}
