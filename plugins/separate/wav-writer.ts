/**
 * A float32 WAV file written as it is produced: header first with unknown sizes, patched with
 * the real ones when done (over 4 GiB they stay "unknown", which libav reads to the end).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { floatWavHeader } from '../sdk/float-wav-header.js';

export class FloatWavWriter {
  private frames = 0;
  private bytes = Buffer.alloc(0);

  private constructor(private readonly fh: FileHandle, readonly path: string, private readonly rate: number, private readonly channels: number) {}

  static async create(path: string, sampleRate: number, channels: number): Promise<FloatWavWriter> {
    const fh = await open(path, 'w');
    await fh.write(floatWavHeader(sampleRate, channels, 0));
    return new FloatWavWriter(fh, path, sampleRate, channels);
  }

  /** Planar float64 channels, `frames` each, rounded to float32 and interleaved. */
  async write(planar: readonly Float64Array[], frames: number): Promise<void> {
    const n = frames * this.channels;
    if (this.bytes.length < n * 4) this.bytes = Buffer.alloc(n * 4);
    const out = new Float32Array(this.bytes.buffer, this.bytes.byteOffset, n);
    for (let c = 0; c < this.channels; c++) {
      const x = planar[c]!;
      for (let i = 0, k = c; i < frames; i++, k += this.channels) out[k] = x[i]!;
    }
    await this.fh.write(this.bytes, 0, n * 4);
    this.frames += frames;
  }

  async finish(): Promise<number> {
    await this.fh.write(floatWavHeader(this.rate, this.channels, 0, this.frames * this.channels * 4), 0, undefined, 0);
    await this.fh.sync();
    await this.fh.close();
    return this.frames;
  }

  async abort(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }
}
