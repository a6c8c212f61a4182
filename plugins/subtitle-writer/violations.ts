/**
 * The reading rules a finished cue still breaks — because the timing (or a word longer
 * than a line) did not allow better. Reported with the job so nothing fails silently.
 */
import { charCount } from './line-break.js';
import { shownChars } from './cue-layout.js';

export interface TimedLines {
  start: number;
  end: number;
  lines: string[];
}

export type Rule = 'max-line-chars' | 'max-lines' | 'max-cps' | 'min-duration' | 'min-gap';

export interface Violation {
  /** 1-based, as numbered in the SRT file. */
  cue: number;
  rule: Rule;
  value: number;
  limit: number;
}

export interface Limits {
  maxLineChars: number;
  maxLines: number;
  maxCps: number;
  minDurationMs: number;
  minGapMs: number;
}

export function findViolations(cues: readonly TimedLines[], o: Limits): Violation[] {
  const out: Violation[] = [];
  cues.forEach((c, i) => {
    const add = (rule: Rule, value: number, limit: number) => out.push({ cue: i + 1, rule, value: Math.round(value * 100) / 100, limit });
    const longest = Math.max(0, ...c.lines.map(charCount));
    if (longest > o.maxLineChars) add('max-line-chars', longest, o.maxLineChars);
    if (c.lines.length > o.maxLines) add('max-lines', c.lines.length, o.maxLines);
    const dur = c.end - c.start;
    if (dur < o.minDurationMs) add('min-duration', dur, o.minDurationMs);
    const cps = (shownChars(c.lines) * 1000) / Math.max(1, dur);
    if (cps > o.maxCps + 1e-9) add('max-cps', cps, o.maxCps);
    const next = cues[i + 1];
    if (next && next.start - c.end < o.minGapMs) add('min-gap', next.start - c.end, o.minGapMs);
  });
  return out;
}
