import { z } from 'zod';

export const SynthBedOptions = z.object({
  /** 'pad': a slow chord progression of soft tones; 'silence': a silent bed of the right length. */
  sound: z.enum(['pad', 'silence']).default('pad'),
  /** Seconds each chord lasts. */
  chordSeconds: z.number().min(1).max(30).default(4),
  ffmpeg: z.string().min(1).default('ffmpeg'),
});
export type SynthBedOptions = z.infer<typeof SynthBedOptions>;
