/**
 * The preview's pictures: a poster (a frame from the preview's middle) and thumbnails spread
 * over the whole film. Frames come from the native addon's decoder; sharp writes the JPEGs.
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { thumbnailSync } from '../../native/lib/index.js';

export const POSTER_WIDTH = 640;
export const THUMB_WIDTH = 160;
export const THUMB_COUNT = 6;

export interface StillFrame {
  file: string;
  /** The frame's time in the file it was taken from, ms. */
  timeMs: number;
  width: number;
  height: number;
}

async function jpeg(video: string, seconds: number, width: number, out: string, cancelFlag: Int32Array, quality: number): Promise<StillFrame> {
  const frame = thumbnailSync(video, { time: seconds, width, cancelFlag });
  await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } }).jpeg({ quality, mozjpeg: true }).toFile(out);
  return { file: out, timeMs: Math.round(frame.time * 1000), width: frame.width, height: frame.height };
}

export function poster(preview: string, durationSeconds: number, workDir: string, cancelFlag: Int32Array): Promise<StillFrame> {
  return jpeg(preview, durationSeconds / 2, POSTER_WIDTH, join(workDir, 'poster.jpg'), cancelFlag, 82);
}

/** THUMB_COUNT frames, each in the middle of its equal share of the film (never the black first frame). */
export async function thumbnails(source: string, durationSeconds: number, workDir: string, cancelFlag: Int32Array, progress: (f: number) => void): Promise<StillFrame[]> {
  const out: StillFrame[] = [];
  for (let i = 0; i < THUMB_COUNT; i++) {
    const at = ((i + 0.5) * durationSeconds) / THUMB_COUNT;
    out.push(await jpeg(source, at, THUMB_WIDTH, join(workDir, `thumb-${i + 1}.jpg`), cancelFlag, 75));
    progress((i + 1) / THUMB_COUNT);
  }
  return out;
}
