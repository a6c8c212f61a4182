/**
 * For `npm run bench -- onnx` (test/bench/onnx.ts aggregates the providers) and `-- tts`: the
 * kokoro provider on its tiny model, 40 ordinary lines a round, split into time inside
 * session.run, in espeak-ng (phonemes) and the rest of ours. On the tiny model session.run is
 * nearly free, so the split says what our code costs, not its share of a run on real weights.
 */
import { rm } from 'node:fs/promises';
import { setModelsDir } from '../sdk/models.js';
import { benchSynthesis, type SynthesisBench } from '../sdk/synthesis-bench.testkit.js';
import { findStage } from '../sdk/testing.js';
import plugin from './index.js';
import { installTinyKokoro } from './tiny-model.testkit.js';

export async function benchKokoro(o: { units?: number; rounds?: number } = {}): Promise<SynthesisBench> {
  const { root } = await installTinyKokoro();
  try {
    setModelsDir(root);
    return await benchSynthesis(findStage(plugin, 'kokoro:synthesize'), {}, o);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
