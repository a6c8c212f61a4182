import { z } from 'zod';

export const FitStageOptions = z.object({
  /** Most speed-up by time-stretch (pitch kept), on top of any faster synthesis. */
  maxFactor: z.number().min(1).max(2).default(1.25),
  /** Silence kept before the next unit starts, ms. */
  minGapMs: z.number().int().min(0).max(2000).default(80),
  /** Largest change of factor between neighbouring units (smoothing). */
  maxStep: z.number().min(0).max(1).default(0.08),
  /** A pause at least this long between units resets the pace, ms. */
  paceBreakMs: z.number().int().min(0).max(60_000).default(1500),
  /** Fade-out over the end of a clip that has to be cut at its slot's end, ms. */
  fadeMs: z.number().int().min(0).max(500).default(30),
  /**
   * Pitch-preserving time-stretch: 'rubberband' (libavfilter's Rubber Band, better on speech),
   * 'atempo' (WSOLA, always built in), or 'auto' (Rubber Band when the FFmpeg build has it).
   */
  stretcher: z.enum(['auto', 'rubberband', 'atempo']).default('auto'),
});
export type FitStageOptions = z.infer<typeof FitStageOptions>;
