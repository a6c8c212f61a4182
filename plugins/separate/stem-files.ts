/**
 * The two stems as WAV files: the model's stem (times its compensation gain) and the source
 * minus it. A stereo pair made from one dialogue channel comes back as that one channel, the
 * average of the pair.
 */
import { join } from 'node:path';
import type { Finished } from './overlap-add.js';
import { FloatWavWriter } from './wav-writer.js';

export class StemFiles {
  private vocals: Float64Array[] = [];
  private background: Float64Array[] = [];

  private constructor(private readonly vocalsFile: FloatWavWriter, private readonly backgroundFile: FloatWavWriter, private readonly channels: number) {}

  static async create(dir: string, sampleRate: number, channels: number): Promise<StemFiles> {
    const vocals = await FloatWavWriter.create(join(dir, 'vocals.wav'), sampleRate, channels);
    const background = await FloatWavWriter.create(join(dir, 'background.wav'), sampleRate, channels).catch(async (e: unknown) => {
      await vocals.abort();
      throw e;
    });
    return new StemFiles(vocals, background, channels);
  }

  get vocalsPath(): string { return this.vocalsFile.path; }
  get backgroundPath(): string { return this.backgroundFile.path; }

  async write(done: Finished, compensate: number, stem: 'vocals' | 'instrumental'): Promise<void> {
    const n = done.frames;
    if ((this.vocals[0]?.length ?? 0) < n) {
      this.vocals = Array.from({ length: this.channels }, () => new Float64Array(n));
      this.background = Array.from({ length: this.channels }, () => new Float64Array(n));
    }
    const pairs = done.input.length / this.channels;
    for (let c = 0; c < this.channels; c++) {
      const v = this.vocals[c]!;
      const b = this.background[c]!;
      for (let i = 0; i < n; i++) {
        let x = 0;
        let s = 0;
        for (let p = 0; p < pairs; p++) {
          x += done.input[c * pairs + p]![i]!;
          s += done.stem[c * pairs + p]![i]!;
        }
        x /= pairs;
        // Rounded as the file will hold it, so the two stems add up to the source exactly.
        s = Math.fround((s / pairs) * compensate);
        if (stem === 'vocals') { v[i] = s; b[i] = x - s; } else { b[i] = s; v[i] = x - s; }
      }
    }
    await this.vocalsFile.write(this.vocals, n);
    await this.backgroundFile.write(this.background, n);
  }

  /** Frames written. */
  async finish(): Promise<number> {
    const frames = await this.vocalsFile.finish();
    await this.backgroundFile.finish();
    return frames;
  }

  async abort(): Promise<void> {
    await this.vocalsFile.abort();
    await this.backgroundFile.abort();
  }
}
