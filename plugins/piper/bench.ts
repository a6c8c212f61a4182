/**
 * For `npm run bench -- onnx` (test/bench/onnx.ts aggregates the providers) and `-- tts`: the
 * piper provider on its tiny voice, 40 ordinary lines a round, split into time inside
 * session.run, in espeak-ng (phonemes) and the rest of ours. On the tiny model session.run is
 * nearly free, so the split says what our code costs, not its share of a run on real weights
 * (a medium Piper voice takes ~0.1-0.3 s of CPU per second of speech).
 */
import { rm } from 'node:fs/promises';
import { setModelsDir } from '../sdk/models.js';
import { benchSynthesis, type SynthesisBench } from '../sdk/synthesis-bench.testkit.js';
import { findStage } from '../sdk/testing.js';
import plugin from './index.js';
import { installTinyEnglish } from './tiny-voices.testkit.js';

export async function benchPiper(o: { units?: number; rounds?: number } = {}): Promise<SynthesisBench> {
  const { root, id } = await installTinyEnglish();
  try {
    setModelsDir(root);
    return await benchSynthesis(findStage(plugin, 'piper:synthesize'), { model: id }, o);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
