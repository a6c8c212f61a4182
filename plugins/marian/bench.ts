/** For `npm run bench -- onnx`: the marian provider's translator on a model folder (the tiny one in the bench). */
import { benchSeq2Seq, type Seq2SeqBenchResult } from '../sdk/seq2seq-bench.js';

export function benchMarian(modelDir: string, o: { beams?: number; batchSize?: number; units?: number } = {}): Promise<Seq2SeqBenchResult> {
  return benchSeq2Seq(modelDir, o);
}
