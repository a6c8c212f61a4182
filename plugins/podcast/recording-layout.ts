/**
 * A recorded episode as the script-driven steps see one: its speakers (from diarization, else
 * one), its lines (the transcript's segments, else the stretches of speech), and its sections
 * (cut at the longest pauses, at least `minSectionMs` apart, each titled by its first words),
 * with the times of the recording itself.
 */
import type { Diarization, Script, SpeechSegments, Timeline, Transcript } from '../sdk/index.js';

const PALETTE = ['#e4572e', '#17bebb', '#ffc914', '#76b041', '#a05fd1', '#2e86de', '#f06292', '#8d6e63'];

export interface Recording {
  title: string;
  durationMs: number;
  fps: number;
  minSectionMs: number;
  transcript?: Transcript;
  diarization?: Diarization;
  speech?: SpeechSegments;
}

interface Said { start: number; end: number; text: string; speaker: string }

export function layOutRecording(r: Recording): { script: Script; timeline: Timeline } {
  const turns = r.diarization?.segments ?? [];
  const names = new Map((r.diarization?.speakers ?? []).map((s, i) => [s.id, `Speaker ${i + 1}`]));
  const speakerAt = (start: number, end: number) => {
    let best: string | undefined;
    let most = 0;
    for (const t of turns) {
      const overlap = Math.min(end, t.end) - Math.max(start, t.start);
      if (overlap > most) { most = overlap; best = t.speaker; }
    }
    return (best && names.get(best)) ?? 'Speaker 1';
  };
  const spans = r.transcript?.segments.length
    ? r.transcript.segments.map((s) => ({ start: s.start, end: s.end, text: s.text.trim() }))
    : (r.speech?.segments ?? []).map((s) => ({ start: s.start, end: s.end, text: '' }));
  const said: Said[] = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start)
    .map((s) => ({ ...s, end: Math.min(s.end, r.durationMs), speaker: speakerAt(s.start, s.end) }));
  const cuts = sectionCuts(said, r.durationMs, r.minSectionMs);
  const bounds = [0, ...cuts, r.durationMs];
  const language = r.transcript?.language ?? 'und';
  const scenes: Script['scenes'] = [];
  const placed: Timeline['lines'] = [];
  let n = 0;
  for (let k = 0; k + 1 < bounds.length; k++) {
    const inside = said.filter((s) => s.start >= bounds[k]! && s.start < bounds[k + 1]!);
    const id = `section-${k + 1}`;
    const lines = inside.map((s) => ({ id: `l${++n}`, character: s.speaker, text: s.text, translations: {}, sourceLine: 1 }));
    lines.forEach((l, i) => placed.push({ id: l.id, scene: id, character: l.character, start: inside[i]!.start, end: inside[i]!.end }));
    scenes.push({ id, title: titleOf(inside, k), lines, minDurationMs: bounds[k + 1]! - bounds[k]!, sourceLine: 1 });
  }
  const speakers = [...new Set(said.map((s) => s.speaker))].sort();
  if (speakers.length === 0) speakers.push('Speaker 1');
  return {
    script: {
      title: r.title, language, music: { prompt: '', enabled: false },
      characters: speakers.map((name, i) => ({ name, colour: PALETTE[i % PALETTE.length]! })),
      scenes,
    },
    timeline: {
      durationMs: r.durationMs, fps: r.fps, languages: [language],
      scenes: scenes.map((s, k) => ({ id: s.id, start: bounds[k]!, end: bounds[k + 1]! })),
      lines: placed,
    },
  };
}

/** Section starts: the middles of the longest pauses, each section at least `min` long. */
export function sectionCuts(said: ReadonlyArray<{ start: number; end: number }>, durationMs: number, min: number): number[] {
  const pauses = said.slice(1).map((s, i) => ({ at: Math.round((said[i]!.end + s.start) / 2), length: s.start - said[i]!.end }))
    .filter((p) => p.length > 0).sort((a, b) => b.length - a.length || a.at - b.at);
  const cuts: number[] = [];
  for (const p of pauses) {
    const all = [0, ...cuts, durationMs];
    if (all.every((c) => Math.abs(c - p.at) >= min)) cuts.push(p.at);
  }
  return cuts.sort((a, b) => a - b);
}

function titleOf(said: readonly Said[], k: number): string {
  const words = said.map((s) => s.text).join(' ').split(/\s+/u).filter(Boolean).slice(0, 6);
  return words.length ? `${words.join(' ')}…` : `Part ${k + 1}`;
}
