import { z } from 'zod';
import { neuralTranslateOptions } from '../sdk/neural-translate.js';
import { onnxRuntimeOptions } from '../sdk/onnx-session.js';

export const MarianOptions = z.object({
  /**
   * One opus-mt model for every job: a catalogue id (opus-mt-en-es) or an absolute path to a
   * model folder. Unset: each job uses the installed opus-mt model of its language pair, since
   * an opus-mt model translates one pair only.
   */
  model: z.string().min(1).optional(),
  ...onnxRuntimeOptions,
  ...neuralTranslateOptions,
});
export type MarianOptions = z.infer<typeof MarianOptions>;
