import { z } from 'zod';
import { onnxRuntimeOptions } from '../sdk/onnx-session.js';

/** The catalogue id a user pulls first; the provider's default model. */
export const DEFAULT_MODEL = 'whisper-base';

export const WhisperOptions = z.object({
  /** A catalogue id (whisper-base, whisper-small, ...) in models.dir, or an absolute path to a model folder. */
  model: z.string().min(1).default(DEFAULT_MODEL),
  ...onnxRuntimeOptions,
  /**
   * Temperatures tried in turn while a window's text fails the thresholds below (the reference
   * transcriber's fallback); the first is greedy decoding. One value: no fallback.
   */
  temperatures: z.array(z.number().min(0).max(1.5)).min(1).default([0, 0.2, 0.4, 0.6, 0.8, 1]),
  /** Text that deflates better than this (a loop such as "la la la ...") is decoded again hotter; null: never. */
  compressionRatioThreshold: z.number().positive().nullable().default(2.4),
  /** Text whose average token log-probability is below this is decoded again hotter; null: never. */
  logprobThreshold: z.number().nullable().default(-1),
  /**
   * A window whose <|nospeech|> probability passes this, and whose text is not confident, is
   * dropped as silence or music (where Whisper otherwise invents text); null: never.
   */
  noSpeechThreshold: z.number().min(0).max(1).nullable().default(0.6),
  /** Word timestamps (from cross-attention when the export has it, else shared by word length). */
  wordTimestamps: z.boolean().default(true),
  /** Audio kept around each VAD region, so word edges are not clipped. */
  vadPaddingMs: z.int().min(0).max(2000).default(200),
  /** Most tokens sampled per 30 s window (the reference: 224, half the text context). */
  maxTokensPerWindow: z.int().min(8).max(440).default(224),
  /** Windows (the first of each speech span) listened to when the language is detected. */
  languageWindows: z.int().min(1).max(20).default(3),
  /** Seed of the sampling fallback, so a re-run decodes the same text. */
  seed: z.int().min(0).default(0),
});
export type WhisperOptions = z.infer<typeof WhisperOptions>;
