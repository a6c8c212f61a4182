/**
 * Positioned, chunked reading of PCM WAV files (s16 or f32, any channel count) as mono float
 * samples, for stages that analyse long tracks: memory stays at one chunk however long the
 * file is, and several readers (or several positions of one reader) can work side by side.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { DubarrError } from './errors.js';
import { parseWavHeader, type WavInfo } from './wav.js';

/** Enough for the fmt chunk plus the LIST/bext metadata some writers put before the data. */
const HEADER_BYTES = 1 << 16;

export class WavReader {
  private scratch = Buffer.alloc(0);

  private constructor(private readonly fh: FileHandle, readonly info: WavInfo, readonly path: string) {}

  static async open(path: string): Promise<WavReader> {
    const fh = await open(path, 'r').catch((e: unknown) => {
      throw new DubarrError('E_INPUT_NOT_FOUND', `${path}: cannot open (${(e as Error).message})`);
    });
    try {
      const { size } = await fh.stat();
      const head = Buffer.alloc(Math.min(size, HEADER_BYTES));
      await fh.read(head, 0, head.length, 0);
      return new WavReader(fh, parseWavHeader(head, path, size), path);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  /**
   * Reads up to `frames` frames from `startFrame`, averaged to mono, into `out` (reused by the
   * caller to avoid garbage). Returns the filled prefix; shorter than asked at the end of data.
   */
  async readMono(startFrame: number, frames: number, out: Float32Array = new Float32Array(frames)): Promise<Float32Array> {
    const { channels, bitsPerSample, dataOffset } = this.info;
    const n = Math.max(0, Math.min(frames, this.info.frames - startFrame, out.length));
    if (n === 0) return out.subarray(0, 0);
    const frameBytes = (bitsPerSample / 8) * channels;
    const bytes = n * frameBytes;
    if (this.scratch.length < bytes) this.scratch = Buffer.alloc(bytes);
    const { bytesRead } = await this.fh.read(this.scratch, 0, bytes, dataOffset + startFrame * frameBytes);
    const got = Math.floor(bytesRead / frameBytes);
    decodeMono(this.scratch, got, channels, this.info.format, out);
    return out.subarray(0, got);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

function decodeMono(buf: Buffer, frames: number, channels: number, format: 's16' | 'f32', out: Float32Array): void {
  // Buffer.alloc never uses the shared pool, so byteOffset is 0 and typed views are aligned.
  const samples = format === 's16'
    ? new Int16Array(buf.buffer, buf.byteOffset, frames * channels)
    : new Float32Array(buf.buffer, buf.byteOffset, frames * channels);
  const scale = (format === 's16' ? 1 / 32768 : 1) / channels;
  if (channels === 1) {
    for (let i = 0; i < frames; i++) out[i] = samples[i]! * scale;
    return;
  }
  for (let i = 0, k = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += samples[k++]!;
    out[i] = sum * scale;
  }
}
