/**
 * espeak-ng ends every clip with ~0.3 s of silence (its end-of-sentence pause). Left in, it
 * counts as speech when fitting a slot and forces needless speed-ups, so it is cut, keeping
 * a short tail so the last phoneme decays naturally.
 */
import { readWav, writeWav } from '../sdk/wav.js';

const THRESHOLD = 10 ** (-50 / 20);
const KEEP_BEFORE_MS = 10;
const KEEP_AFTER_MS = 40;

/** Trims the file in place; returns its duration in ms afterwards. */
export async function trimSilence(file: string): Promise<number> {
  const pcm = await readWav(file);
  const samples = pcm.channels[0]!;
  const loud = (i: number) => pcm.channels.some((c) => Math.abs(c[i]!) >= THRESHOLD);
  const full = Math.round((samples.length * 1000) / pcm.sampleRate);
  let first = 0;
  while (first < samples.length && !loud(first)) first++;
  if (first >= samples.length) return full;
  let last = samples.length - 1;
  while (last > first && !loud(last)) last--;
  const from = Math.max(0, first - Math.round((KEEP_BEFORE_MS * pcm.sampleRate) / 1000));
  const to = Math.min(samples.length, last + 1 + Math.round((KEEP_AFTER_MS * pcm.sampleRate) / 1000));
  if (from > 0 || to < samples.length) {
    await writeWav(file, { sampleRate: pcm.sampleRate, channels: pcm.channels.map((c) => c.subarray(from, to)) });
    return Math.round(((to - from) * 1000) / pcm.sampleRate);
  }
  return full;
}
