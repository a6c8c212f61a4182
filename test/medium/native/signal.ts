/** Reading WAV files and measuring simple properties of test tones. */
import { readFileSync } from 'node:fs';

export interface Wav {
  sampleRate: number;
  channels: number;
  format: 's16' | 's24' | 'f32';
  /** Samples per channel. */
  frames: number;
  /** Channel c of frame i at [i * channels + c], scaled to [-1, 1]. */
  samples: Float32Array;
  /** The raw sample bytes (the data chunk). */
  data: Buffer;
}

export function readWav(path: string): Wav {
  const buf = readFileSync(path);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${path}: not a WAV file`);
  let pos = 12;
  let fmt: { tag: number; channels: number; rate: number; bits: number } | undefined;
  while (pos + 8 <= buf.length) {
    const id = buf.toString('ascii', pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    const body = pos + 8;
    if (id === 'fmt ') {
      let tag = buf.readUInt16LE(body);
      if (tag === 0xfffe) tag = buf.readUInt16LE(body + 24); // WAVE_FORMAT_EXTENSIBLE: the sub-format
      fmt = { tag, channels: buf.readUInt16LE(body + 2), rate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!fmt) throw new Error(`${path}: data before fmt`);
      const data = buf.subarray(body, Math.min(buf.length, body + size));
      const width = fmt.bits / 8;
      const count = Math.floor(data.length / width);
      const samples = new Float32Array(count);
      const format = fmt.tag === 3 ? 'f32' : fmt.bits === 24 ? 's24' : 's16';
      for (let i = 0; i < count; i++) {
        const o = i * width;
        samples[i] = format === 'f32' ? data.readFloatLE(o) : format === 's24' ? data.readIntLE(o, 3) / 8388608 : data.readInt16LE(o) / 32768;
      }
      return { sampleRate: fmt.rate, channels: fmt.channels, format, frames: count / fmt.channels, samples, data };
    }
    pos = body + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}

export function channel(wav: Wav, c: number): Float32Array {
  const out = new Float32Array(wav.frames);
  for (let i = 0; i < wav.frames; i++) out[i] = wav.samples[i * wav.channels + c]!;
  return out;
}

/** Frequency of a clean tone from interpolated zero crossings, over [from, to) seconds. */
export function toneFrequency(x: Float32Array, rate: number, from = 0.5, to = 1.5): number {
  const start = Math.floor(from * rate);
  const end = Math.min(x.length, Math.floor(to * rate));
  let first = -1;
  let last = -1;
  let crossings = 0;
  for (let i = start + 1; i < end; i++) {
    const a = x[i - 1]!;
    const b = x[i]!;
    if (a < 0 && b >= 0) {
      const t = i - 1 + a / (a - b); // linear interpolation of the crossing
      if (first < 0) first = t;
      else crossings++;
      last = t;
    }
  }
  if (crossings === 0) return 0;
  return (crossings * rate) / (last - first);
}

/** Seconds until the signal first exceeds `threshold`. */
export function firstSound(x: Float32Array, rate: number, threshold = 0.01): number {
  const i = x.findIndex((v) => Math.abs(v) > threshold);
  return i < 0 ? Infinity : i / rate;
}

export function rms(x: Float32Array, from = 0, to = x.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i]! * x[i]!;
  return Math.sqrt(sum / Math.max(1, to - from));
}

export function peak(x: Float32Array, from = 0, to = x.length): number {
  let m = 0;
  for (let i = from; i < to; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

/** Amplitude of the `hz` component over [from, to) seconds (Goertzel; 1.0 for a full-scale sine). */
export function toneAmplitude(x: Float32Array, rate: number, hz: number, from = 0.5, to = 1.5): number {
  const start = Math.floor(from * rate);
  const end = Math.min(x.length, Math.floor(to * rate));
  const n = end - start;
  const w = (2 * Math.PI * hz) / rate;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = start; i < end; i++) {
    const s0 = x[i]! + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / n;
}
