/** What a video shows at a moment, for tests: one frame as RGB bytes, decoded by ffmpeg. */
import { execFileSync } from 'node:child_process';

export interface Frame { width: number; height: number; rgb: Buffer }

export function frameAt(video: string, seconds: number, width: number, height: number): Frame {
  const rgb = execFileSync('ffmpeg', ['-v', 'error', '-ss', seconds.toFixed(3), '-i', video, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 64 << 20 });
  return { width, height, rgb };
}

/** The mean colour of a box of the frame. */
export function meanColour(f: Frame, x: number, y: number, w: number, h: number): [number, number, number] {
  const sum = [0, 0, 0];
  for (let j = y; j < y + h; j++) for (let i = x; i < x + w; i++) for (let c = 0; c < 3; c++) sum[c]! += f.rgb[(j * f.width + i) * 3 + c]!;
  return sum.map((v) => Math.round(v / (w * h))) as [number, number, number];
}

export function hexColour(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/** Largest difference of one channel. */
export function colourDistance(a: readonly number[], b: readonly number[]): number {
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
}
