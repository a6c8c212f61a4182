import { z } from 'zod';
import { onnxRuntimeOptions } from '../sdk/onnx-session.js';

/** The catalogue id of the separation model a user pulls first. */
export const DEFAULT_SEPARATION_MODEL = 'mdx-net-voc-ft';

export const SeparateOptions = z.object({
  /** Catalogue id of an installed separation model, or an absolute path to a model folder. */
  model: z.string().min(1).default(DEFAULT_SEPARATION_MODEL),
  ...onnxRuntimeOptions,
  /**
   * How long consecutive chunks overlap, blended into each other, ms: hides the seams where the
   * model's view of the music changes. Each chunk is a few seconds (the model's size), so the
   * default costs about a fifth more model time than none.
   */
  crossfadeMs: z.int().min(0).max(5000).default(1000),
});
export type SeparateOptions = z.infer<typeof SeparateOptions>;
