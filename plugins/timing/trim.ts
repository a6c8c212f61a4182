/** Cuts a clip that still overflows its slot, with a short fade so the cut does not click. */
import { readWav, writeWav } from '../sdk/wav.js';

/** Keeps at most `maxFrames` frames of the mono WAV at `path`; returns how many were cut. */
export async function trimWithFade(path: string, maxFrames: number, fadeMs: number): Promise<number> {
  const pcm = await readWav(path);
  const samples = pcm.channels[0]!;
  if (samples.length <= maxFrames) return 0;
  const kept = samples.slice(0, Math.max(0, maxFrames));
  const fade = Math.min(kept.length, Math.round((fadeMs * pcm.sampleRate) / 1000));
  // Raised-cosine fade to exactly zero at the cut.
  for (let i = 0; i < fade; i++) {
    const k = kept.length - fade + i;
    kept[k]! *= 0.5 * (1 + Math.cos((Math.PI * (i + 1)) / fade));
  }
  await writeWav(path, { sampleRate: pcm.sampleRate, channels: [kept] });
  return samples.length - kept.length;
}
