import { z } from 'zod';
import { neuralTranslateOptions } from '../sdk/neural-translate.js';
import { onnxRuntimeOptions } from '../sdk/onnx-session.js';

/** The model a user would pull first. */
export const DEFAULT_MODEL = 'nllb-200-distilled-600m';

export const NllbOptions = z.object({
  /** A catalogue id, or an absolute path to a model folder (NLLB-200 or M2M-100 export). */
  model: z.string().min(1).default(DEFAULT_MODEL),
  ...onnxRuntimeOptions,
  ...neuralTranslateOptions,
});
export type NllbOptions = z.infer<typeof NllbOptions>;
