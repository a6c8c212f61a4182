import { z } from 'zod';

/**
 * Which bundled Silero VAD v5 export to run. 'default' is upstream's silero_vad.onnx (8 and
 * 16 kHz); 'op15' is its 16 kHz-only export, with identical probabilities and a 4x faster load,
 * hence the default; 'half' is the smaller half-precision export (different probabilities).
 */
export const SILERO_MODELS = ['default', 'op15', 'half'] as const;
export type SileroModel = (typeof SILERO_MODELS)[number];

export const SileroVadOptions = z.object({
  /** Speech starts at a window probability >= threshold. */
  threshold: z.number().gt(0).lt(1).default(0.5),
  /** Speech ends below this (hysteresis). Default: threshold - 0.15 (at least 0.01). */
  negThreshold: z.number().gt(0).lt(1).optional(),
  /** Shorter detections are dropped. */
  minSpeechMs: z.number().int().nonnegative().default(250),
  /** A pause must last this long to split two segments. */
  minSilenceMs: z.number().int().nonnegative().default(300),
  /** Added before and after each segment, never overlapping a neighbour. */
  speechPadMs: z.number().int().nonnegative().default(60),
  /** Longer segments are cut at their least speech-like moment. */
  maxSegmentMs: z.number().int().min(1000).default(15000),
  model: z.enum(SILERO_MODELS).default('op15'),
  /** A custom Silero VAD v5 ONNX file (same signature); overrides `model`. */
  modelPath: z.string().min(1).optional(),
  /** ONNX Runtime intra-op threads per job; the worker pool already runs jobs in parallel. */
  threads: z.number().int().min(1).max(64).default(1),
  /**
   * Parts of the track analysed side by side in one batched model call (each warmed up on the
   * audio before it). 1 = one strictly sequential pass. More lanes: ~3x less CPU per hour of
   * audio, at the cost of the recurrent state restarting at lane boundaries.
   */
  lanes: z.number().int().min(1).max(64).default(8),
}).refine((o) => o.negThreshold === undefined || o.negThreshold < o.threshold, {
  message: 'negThreshold must be below threshold', path: ['negThreshold'],
});
export type SileroVadOptions = z.infer<typeof SileroVadOptions>;

export function negThresholdOf(o: SileroVadOptions): number {
  return o.negThreshold ?? Math.max(o.threshold - 0.15, 0.01);
}
