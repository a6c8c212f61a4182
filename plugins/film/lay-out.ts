/**
 * Scene and line times from how long each line takes to say. A line lasts as long as its
 * longest language, so every language's speech fits the same pictures; every time is a whole
 * number of frames, so each scene's clip can last exactly its scene.
 */
import type { Script, Timeline } from '../sdk/index.js';

export interface Spacing { leadInMs: number; gapMs: number; tailMs: number; fps: number }

export function layOut(script: Script, spokenMs: ReadonlyMap<string, number>, languages: string[], s: Spacing): Timeline {
  const frame = (ms: number) => Math.ceil((ms * s.fps) / 1000 - 1e-9) * 1000 / s.fps;
  const scenes: Timeline['scenes'] = [];
  const lines: Timeline['lines'] = [];
  let t = 0;
  for (const scene of script.scenes) {
    const start = t;
    let at = start + (scene.lines.length ? s.leadInMs : 0);
    scene.lines.forEach((l, i) => {
      const d = spokenMs.get(l.id) ?? 0;
      const begin = Math.round(at);
      lines.push({ id: l.id, scene: scene.id, character: l.character, start: begin, end: begin + d });
      at = begin + d + (i < scene.lines.length - 1 ? s.gapMs : s.tailMs);
    });
    const end = Math.round(start + frame(Math.max(at - start, scene.minDurationMs, 1000 / s.fps)));
    scenes.push({ id: scene.id, start, end });
    t = end;
  }
  return { durationMs: t, fps: s.fps, languages, scenes, lines };
}
