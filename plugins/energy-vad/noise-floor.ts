/**
 * Pass two: the noise floor at every frame, a low percentile of the frame levels in a window
 * centred on it. A percentile ignores the loud (speech) frames as long as some pauses fall in
 * the window, and a moving window follows a scene's background as it changes. Levels are
 * binned at 0.5 dB so the window slides in constant time per frame.
 */
import { SILENCE_DB } from './frame-levels.js';

const BIN_DB = 0.5;
const BINS = Math.ceil(-SILENCE_DB / BIN_DB) + 1;

export function noiseFloor(levels: Float32Array, windowFrames: number, percentile: number): Float32Array {
  const n = levels.length;
  const floor = new Float32Array(n);
  const hist = new Uint32Array(BINS);
  const bin = (db: number) => Math.min(BINS - 1, Math.max(0, Math.round((db - SILENCE_DB) / BIN_DB)));
  const half = Math.floor(windowFrames / 2);
  let lo = 0, hi = 0; // window [lo, hi)
  for (let i = 0; i < n; i++) {
    const wantHi = Math.min(n, i + half + 1);
    const wantLo = Math.max(0, i - half);
    while (hi < wantHi) hist[bin(levels[hi++]!)]!++;
    while (lo < wantLo) hist[bin(levels[lo++]!)]!--;
    const rank = Math.max(1, Math.ceil(((hi - lo) * percentile) / 100));
    let seen = 0, b = 0;
    while (b < BINS - 1 && (seen += hist[b]!) < rank) b++;
    floor[i] = SILENCE_DB + b * BIN_DB;
  }
  return floor;
}
