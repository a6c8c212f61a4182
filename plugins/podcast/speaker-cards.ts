/**
 * The pictures of the podcast video: one per state (nobody talking, or one speaker talking),
 * each every speaker's card with the talking one in full colour and the rest dimmed, and the
 * spans of the timeline each state covers, in whole frames.
 */
import sharp from 'sharp';
import type { ScriptCharacter, Timeline } from '../sdk/index.js';
import { cardBoxes, dimmed } from './card-layout.js';

export interface CardStyle { width: number; height: number; background: string; idleBrightness: number }

export async function renderCard(title: string, speakers: readonly ScriptCharacter[], active: string | undefined, s: CardStyle, file: string): Promise<void> {
  const boxes = cardBoxes(speakers.length, s.width, s.height);
  const titleSize = Math.max(10, Math.round(s.height * 0.07));
  const cards = speakers.map((sp, i) => {
    const b = boxes[i]!;
    const on = sp.name === active;
    const fill = on ? sp.colour : dimmed(sp.colour, s.background, s.idleBrightness);
    const size = Math.max(9, Math.round(Math.min(b.h * 0.16, (b.w * 1.6) / Math.max(4, sp.name.length))));
    const ring = on ? `<rect x="${b.x - 3}" y="${b.y - 3}" width="${b.w + 6}" height="${b.h + 6}" rx="${Math.round(b.h * 0.08) + 3}" fill="none" stroke="#ffffff" stroke-width="3"/>` : '';
    return `${ring}<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="${Math.round(b.h * 0.08)}" fill="${fill}"/>`
      + `<text x="${b.x + b.w / 2}" y="${b.y + b.h * 0.86}" text-anchor="middle" font-size="${size}" fill="${on ? '#ffffff' : '#c8c8c8'}">${escapeXml(sp.name)}</text>`;
  }).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${s.width}" height="${s.height}">`
    + `<rect width="100%" height="100%" fill="${s.background}"/>`
    + `<g font-family="DejaVu Sans, sans-serif"><text x="50%" y="${Math.round(s.height * 0.11)}" text-anchor="middle" dominant-baseline="middle" font-size="${titleSize}" fill="#f4f1ea">${escapeXml(title)}</text>${cards}</g></svg>`;
  await sharp(Buffer.from(svg)).png().toFile(file);
}

export interface Span { speaker: string | undefined; start: number; end: number }

/** Who talks when, the whole timeline covered, edges on frames; a line's span is its speech. */
export function talkSpans(timeline: Timeline): Span[] {
  const frame = (ms: number) => Math.round((Math.round((ms * timeline.fps) / 1000) * 1000) / timeline.fps);
  const spans: Span[] = [];
  let t = 0;
  for (const l of [...timeline.lines].sort((a, b) => a.start - b.start)) {
    const start = Math.max(t, frame(l.start));
    const end = Math.min(timeline.durationMs, frame(l.end));
    if (end <= start) continue;
    if (start > t) spans.push({ speaker: undefined, start: t, end: start });
    spans.push({ speaker: l.character, start, end });
    t = end;
  }
  if (t < timeline.durationMs) spans.push({ speaker: undefined, start: t, end: timeline.durationMs });
  return spans;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}
