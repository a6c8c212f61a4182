/**
 * Pass one: the level of every frame in dBFS, streamed from the WAV a chunk at a time through
 * a high-pass filter. One float per frame is kept (about 1 MB for two hours at 30 ms), which
 * lets pass two look both ways around each frame for its noise floor.
 */
import { throwIfCancelled, type Cancellation } from '../sdk/index.js';
import type { WavReader } from '../sdk/wav-stream.js';

/** Level reported for digital silence, so log10(0) never reaches the statistics. */
export const SILENCE_DB = -100;
const FRAMES_PER_CHUNK = 1000;

export interface FrameLevels {
  levels: Float32Array;
  /** Exact frame duration (the frame is a whole number of samples). */
  frameMs: number;
}

export async function frameLevels(
  reader: WavReader,
  o: { frameMs: number; highpassHz: number; cancel: Cancellation; progress(fraction: number): void },
): Promise<FrameLevels> {
  const { sampleRate, frames } = reader.info;
  const frameSamples = Math.max(1, Math.round((sampleRate * o.frameMs) / 1000));
  const count = Math.ceil(frames / frameSamples);
  const levels = new Float32Array(count);
  const filter = highpass(o.highpassHz, sampleRate);
  const chunk = new Float32Array(FRAMES_PER_CHUNK * frameSamples);
  for (let first = 0; first < count; first += FRAMES_PER_CHUNK) {
    throwIfCancelled(o.cancel);
    const x = await reader.readMono(first * frameSamples, chunk.length, chunk);
    filter(x);
    for (let f = 0, off = 0; off < x.length; f++, off += frameSamples) {
      const end = Math.min(x.length, off + frameSamples);
      let sumSq = 0;
      for (let i = off; i < end; i++) sumSq += x[i]! * x[i]!;
      const meanSq = sumSq / (end - off);
      levels[first + f] = meanSq > 0 ? Math.max(SILENCE_DB, 10 * Math.log10(meanSq)) : SILENCE_DB;
    }
    o.progress(Math.min(1, (first + FRAMES_PER_CHUNK) / count));
  }
  return { levels, frameMs: (frameSamples * 1000) / sampleRate };
}

/** A second-order Butterworth high-pass whose state carries across chunks; in place. */
function highpass(cutoffHz: number, sampleRate: number): (x: Float32Array) => void {
  if (cutoffHz <= 0 || cutoffHz >= sampleRate / 2) return () => {};
  const w = (2 * Math.PI * cutoffHz) / sampleRate;
  const alpha = Math.sin(w) / Math.SQRT2;
  const cos = Math.cos(w);
  const a0 = 1 + alpha;
  const b0 = (1 + cos) / 2 / a0, b1 = -(1 + cos) / a0, b2 = b0;
  const a1 = (-2 * cos) / a0, a2 = (1 - alpha) / a0;
  const z = new Float64Array(4); // x[n-1], x[n-2], y[n-1], y[n-2]
  return (x) => {
    // Locals, not captured variables, in the hot loop: V8 keeps them in registers.
    let x1 = z[0]!, x2 = z[1]!, y1 = z[2]!, y2 = z[3]!;
    for (let i = 0; i < x.length; i++) {
      const x0 = x[i]!;
      const y0 = b0 * x0 + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
      x2 = x1; x1 = x0; y2 = y1; y1 = y0;
      x[i] = y0;
    }
    z[0] = x1; z[1] = x2; z[2] = y1; z[3] = y2;
  };
}
