/**
 * espeak-ng ends every clip with ~0.3 s of silence (its end-of-sentence pause): cut it
 * (audibleSpan), keeping a short tail so the last phoneme decays naturally.
 */
import { audibleSpan } from '../sdk/audible-span.js';
import { readWav, writeWav } from '../sdk/wav.js';

/** Trims the file in place; returns its duration in ms afterwards. */
export async function trimSilence(file: string): Promise<number> {
  const pcm = await readWav(file);
  const length = pcm.channels[0]!.length;
  const { from, to } = audibleSpan(pcm.channels, pcm.sampleRate);
  if (from > 0 || to < length) {
    await writeWav(file, { sampleRate: pcm.sampleRate, channels: pcm.channels.map((c) => c.subarray(from, to)) });
  }
  return Math.round(((to - from) * 1000) / pcm.sampleRate);
}
