/**
 * Captions from the script's lines at their timeline places, as SRT: one cue per line, shown
 * from its start for at least MIN_MS (never into the next line), text wrapped at 42 characters.
 */
import type { Timeline } from '../sdk/index.js';

const MIN_MS = 1200;
const WIDTH = 42;

export interface Cue { start: number; end: number; text: string }

export function captionCues(timeline: Timeline, textOf: ReadonlyMap<string, string>): Cue[] {
  const lines = timeline.lines.filter((l) => textOf.get(l.id)?.trim());
  return lines.map((l, i) => {
    const next = lines[i + 1]?.start ?? timeline.durationMs;
    const end = Math.min(next, Math.max(l.end, l.start + MIN_MS), timeline.durationMs);
    return { start: l.start, end: Math.max(end, l.start + 1), text: wrap(textOf.get(l.id)!.trim(), WIDTH) };
  });
}

export function wrap(text: string, width: number): string {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/u)) {
    if (line && line.length + 1 + word.length > width) { out.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out.join('\n');
}

const stamp = (ms: number) => {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')},${String(ms % 1000).padStart(3, '0')}`;
};

export function toSrt(cues: readonly Cue[]): string {
  return cues.map((c, i) => `${i + 1}\n${stamp(c.start)} --> ${stamp(c.end)}\n${c.text}\n`).join('\n');
}

/** Chapters in FFmpeg's metadata file format (milliseconds), with the film's title. */
export function ffmetadata(title: string, chapters: ReadonlyArray<{ start: number; end: number; title: string }>, comment: string): string {
  const esc = (s: string) => s.replace(/[=;#\\\n]/g, (c) => `\\${c}`);
  return [';FFMETADATA1', `title=${esc(title)}`, `comment=${esc(comment)}`,
    ...chapters.flatMap((c) => ['[CHAPTER]', 'TIMEBASE=1/1000', `START=${c.start}`, `END=${c.end}`, `title=${esc(c.title)}`]), ''].join('\n');
}
