/**
 * The source stream as float blocks on the video timeline (sample 0 is the container's start,
 * so a stream that starts late begins with silence), in its own layout and rate. The next
 * block is decoded on a libuv thread while the caller works on the current one.
 */
import { openAudioStream, pcmSamples, type AudioStream, type DecodedAudioInfo } from '../../native/lib/index.js';

export interface Block { samples: Float32Array; frames: number }

export class SourceAudio {
  private constructor(private readonly stream: AudioStream) {}

  static async open(path: string, stream: number, cancel: { signal: AbortSignal; cancelFlag: Int32Array }): Promise<SourceAudio> {
    return new SourceAudio(await openAudioStream(path, { stream, format: 'f32', channels: 'original', chunkSeconds: 1, ...cancel }));
  }

  get info(): DecodedAudioInfo {
    return this.stream.info;
  }

  async *blocks(): AsyncGenerator<Block> {
    let next: Promise<Block | null> | null = this.read();
    try {
      for (let block = await next; block; block = await next) {
        next = this.read();
        yield block;
      }
      next = null;
    } finally {
      // A read must not be in flight when the stream closes.
      await next?.catch(() => null);
      this.stream.close();
    }
  }

  private read(): Promise<Block | null> {
    const p = this.stream.read().then((chunk) => chunk && { samples: pcmSamples(chunk, 'f32') as Float32Array, frames: chunk.samples });
    // A read ahead can fail while the caller is busy with the previous block: the failure
    // reaches the caller at its next step, it is not an unhandled rejection meanwhile.
    p.catch(() => undefined);
    return p;
  }

  close(): void {
    this.stream.close();
  }
}
