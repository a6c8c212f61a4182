/**
 * A cue's text is one or more parts, one per speaker. One speaker's text is broken into
 * balanced lines; two speakers share a cue the way subtitlers write it, a line each
 * introduced by a dialogue dash.
 */
import { breakLines, charCount, type LineRules } from './line-break.js';

export interface Part {
  text: string;
  speaker?: string;
}

export interface Cue {
  start: number;
  end: number;
  parts: Part[];
}

/** The cue's lines, or undefined when its text cannot meet the line rules. */
export function layout(parts: readonly Part[], r: LineRules): string[] | undefined {
  if (parts.length === 1) return breakLines(parts[0]!.text, r);
  if (parts.length > r.maxLines) return undefined;
  const lines = parts.map((p) => `- ${p.text}`);
  return lines.every((l) => charCount(l) <= r.maxLineChars) ? lines : undefined;
}

/** Parts of two neighbouring cues as one; a speaker continuing keeps one part. */
export function mergeParts(a: readonly Part[], b: readonly Part[]): Part[] {
  const out = a.map((p) => ({ ...p }));
  for (const p of b) {
    const last = out.at(-1);
    if (last && last.speaker === p.speaker) last.text = `${last.text} ${p.text}`;
    else out.push({ ...p });
  }
  return out;
}

/** Reading length: the characters shown, line breaks not counted. */
export function shownChars(lines: readonly string[]): number {
  return lines.reduce((n, l) => n + charCount(l), 0);
}
