/** marian:translate — the units through the installed opus-mt model of the job's pair. */
import { defineStage, parseOptions, throwIfCancelled, type Language } from '../sdk/index.js';
import { translateUnits } from '../sdk/neural-translate.js';
import { loadSeq2SeqTokenizer, type Seq2SeqTokenizer } from '../sdk/seq2seq-tokenizer.js';
import { openSeq2SeqTranslator } from '../sdk/seq2seq-translator.js';
import { MarianOptions } from './options.js';
import { modelForPair } from './pairs.js';

export default defineStage(async (input, ctx) => {
  const options = parseOptions(MarianOptions, input, 'marian');
  return translateUnits(input, ctx, {
    provider: 'marian',
    stageId: 'marian:translate',
    options,
    async open(source, target) {
      const model = await modelForPair(options, source.code, target.code);
      return openSeq2SeqTranslator(model, {
        executionProviders: options.executionProviders,
        threads: options.threads,
        beams: options.beams,
        batchSize: options.batchSize,
        log: ctx.log,
        targetPrefixToken: targetToken(await loadSeq2SeqTokenizer(model.dir), target),
        checkpoint: () => throwIfCancelled(ctx),
      });
    },
  });
});

/**
 * Multi-target opus-mt models (their vocabulary has >>xx<< tokens) read the target language
 * from such a token before the text; single-pair models have none.
 */
export function targetToken(tokenizer: Seq2SeqTokenizer, target: Language): string | undefined {
  for (const token of tokenizer.vocabulary()) {
    if (token.startsWith('>>') && token.endsWith('<<')) {
      return [target.code, target.iso6392T, target.iso6392B].map((c) => `>>${c}<<`).find((t) => tokenizer.tokenId(t) !== undefined);
    }
  }
  return undefined;
}
