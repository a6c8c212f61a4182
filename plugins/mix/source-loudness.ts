/** The source stream's integrated loudness and length, from one streaming decode. */
import { throwIfCancelled } from '../sdk/index.js';
import { loudnessWeight } from './channel-layout.js';
import { LoudnessMeter } from './loudness-meter.js';
import { SourceAudio } from './source-audio.js';

export interface SourceLoudness { lufs: number | null; frames: number }

export async function measureSourceLoudness(
  path: string,
  stream: number,
  channelNames: readonly string[],
  ctx: { signal: AbortSignal; cancelFlag: Int32Array; progress(fraction: number): void },
): Promise<SourceLoudness> {
  const audio = await SourceAudio.open(path, stream, ctx);
  const meter = new LoudnessMeter(audio.info.sampleRate, channelNames.map(loudnessWeight));
  const total = (audio.info.duration ?? 0) * audio.info.sampleRate;
  let frames = 0;
  for await (const b of audio.blocks()) {
    throwIfCancelled(ctx);
    meter.add(b.samples, b.frames);
    frames += b.frames;
    if (total > 0) ctx.progress(Math.min(1, frames / total));
  }
  return { lufs: meter.integratedLufs(), frames };
}
