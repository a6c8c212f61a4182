/**
 * The original with its voice taken out: the separation's vocals (at the model's rate, one
 * channel per dialogue channel) resampled to the source's rate by the native decoder as they
 * are read, and subtracted from the dialogue channels of each source block. The other channels
 * (surrounds, LFE) are left as they are. What is left is the separated background, at the
 * source's rate and in its layout, without resampling the background itself.
 */
import { openAudioStream, pcmSamples, type AudioStream } from '../../native/lib/index.js';
import type { Block } from './source-audio.js';

export class VoiceStream {
  private pending = new Float32Array(0);
  private pendingFrames = 0;
  private ended = false;

  private constructor(private readonly stream: AudioStream, private readonly channels: number) {}

  static async open(vocals: string, sampleRate: number, cancel: { signal: AbortSignal; cancelFlag: Int32Array }): Promise<VoiceStream> {
    const stream = await openAudioStream(vocals, { sampleRate, channels: 'original', format: 'f32', chunkSeconds: 1, ...cancel });
    return new VoiceStream(stream, stream.info.channels);
  }

  get channelCount(): number {
    return this.channels;
  }

  /** The next `frames` frames, interleaved; silence past the end of the vocals. */
  async take(frames: number): Promise<Float32Array> {
    while (this.pendingFrames < frames && !this.ended) {
      const chunk = await this.stream.read();
      if (!chunk) { this.ended = true; break; }
      const samples = pcmSamples(chunk, 'f32') as Float32Array;
      const merged = new Float32Array((this.pendingFrames + chunk.samples) * this.channels);
      merged.set(this.pending.subarray(0, this.pendingFrames * this.channels));
      merged.set(samples, this.pendingFrames * this.channels);
      this.pending = merged;
      this.pendingFrames += chunk.samples;
    }
    const out = new Float32Array(frames * this.channels);
    const n = Math.min(frames, this.pendingFrames);
    out.set(this.pending.subarray(0, n * this.channels));
    this.pending = this.pending.subarray(n * this.channels);
    this.pendingFrames -= n;
    return out;
  }

  close(): void {
    this.stream.close();
  }
}

/** Source blocks with the voice subtracted on `dialogue` (indexes into the block's channels). */
export async function* withoutVoice(blocks: AsyncIterable<Block>, voice: VoiceStream, channels: number, dialogue: readonly number[]): AsyncGenerator<Block> {
  try {
    for await (const b of blocks) {
      const v = await voice.take(b.frames);
      const vc = voice.channelCount;
      for (let i = 0; i < b.frames; i++) {
        for (let d = 0; d < dialogue.length; d++) b.samples[i * channels + dialogue[d]!]! -= v[i * vc + d]!;
      }
      yield b;
    }
  } finally {
    voice.close();
  }
}
