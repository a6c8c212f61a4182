/** For `npm run bench -- onnx`: the nllb provider's translator (English to Spanish) on a model folder. */
import { benchSeq2Seq, type Seq2SeqBenchResult } from '../sdk/seq2seq-bench.js';

export function benchNllb(modelDir: string, o: { beams?: number; batchSize?: number; units?: number } = {}): Promise<Seq2SeqBenchResult> {
  return benchSeq2Seq(modelDir, { sourceToken: 'eng_Latn', forcedTargetToken: 'spa_Latn', ...o });
}
