/**
 * The time a Seq2Seq translator spends around ONNX Runtime (tokenizing, the decoding loop,
 * log-softmax, cache bookkeeping) against the time inside session.run, on a model folder: what
 * each translate provider's bench.ts reports to `npm run bench -- onnx`.
 */
import { openModel } from './models.js';
import { openSeq2SeqTranslator, type Seq2SeqTranslatorOptions } from './seq2seq-translator.js';

export interface Seq2SeqBenchResult {
  units: number;
  /** Wall time of translate() over all units (after a warm-up run). */
  totalMs: number;
  sessionRunMs: number;
  tokenizeMs: number;
  /** session.run calls (one encoder run per batch, one decoder run per step). */
  runs: number;
  /** (total - session.run) / total. */
  ourShare: number;
}

/** Sentences of subtitle length, varied so batches pad and rows finish at different steps. */
export const BENCH_SENTENCES = [
  'hello my friend.', 'the house is big.', 'my brother works at the hospital near the river.',
  'the dog sleeps in the garden again.', 'hello.', 'my friend is big, the house is big, the dog is big.',
];

export async function benchSeq2Seq(modelDir: string, o: Partial<Seq2SeqTranslatorOptions> & { units?: number; sentences?: readonly string[] } = {}): Promise<Seq2SeqBenchResult> {
  const model = await openModel(modelDir, { task: 'mt' });
  const translator = await openSeq2SeqTranslator(model, { executionProviders: ['cpu'], threads: 1, beams: 1, batchSize: 8, ...o });
  const sentences = o.sentences ?? BENCH_SENTENCES;
  const texts = Array.from({ length: o.units ?? 96 }, (_, i) => sentences[i % sentences.length]!);
  await translator.translate(texts.slice(0, 8), () => {});
  Object.assign(translator.timing, { tokenizeMs: 0, sessionRunMs: 0, runs: 0, totalMs: 0 });
  await translator.translate(texts, () => {});
  const t = translator.timing;
  return { units: texts.length, totalMs: t.totalMs, sessionRunMs: t.sessionRunMs, tokenizeMs: t.tokenizeMs, runs: t.runs, ourShare: (t.totalMs - t.sessionRunMs) / t.totalMs };
}
