import { z } from 'zod';

const variant = z.string().regex(/^[\w-]+$/, 'a voice variant name such as m1 or f2');

export const EspeakOptions = z.object({
  /** Base speaking rate, words per minute (espeak-ng -s). */
  rate: z.number().int().min(80).max(450).default(175),
  /** Base pitch, 0-99 (espeak-ng -p). */
  pitch: z.number().int().min(0).max(99).default(50),
  /** Voice per language, overriding the automatic choice: { es: 'es-419', en: 'en-us+f2' }. */
  voices: z.record(z.string(), z.string().regex(/^[\w+-]+$/, 'an espeak-ng voice such as es-419 or en-us+f2')).default({}),
  /**
   * Variants given to speakers in order of first appearance (speaker 1 -> +m1 ...);
   * they repeat when there are more speakers. Segments without a speaker get the plain voice.
   */
  speakerVariants: z.array(variant).min(1).default(['m1', 'f2', 'm3', 'f4', 'm5', 'f1', 'm7', 'f3', 'm2', 'f5', 'm4', 'm6']),
  /** Fastest re-synthesis rate, relative to `rate`, for a unit that overflows its slot. */
  maxRate: z.number().min(1).max(2).default(1.25),
  /** espeak-ng processes run at once. */
  concurrency: z.number().int().min(1).max(16).default(2),
  /** Cut the silence espeak-ng leaves at the start and end of a clip (~0.3 s at the end). */
  trimSilence: z.boolean().default(true),
  binary: z.string().min(1).default('espeak-ng'),
});
export type EspeakOptions = z.infer<typeof EspeakOptions>;
