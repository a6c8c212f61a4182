/** nllb:translate — the units through NLLB-200 (or M2M-100), any pair of its languages. */
import { defineStage, parseOptions, throwIfCancelled } from '../sdk/index.js';
import { openModel } from '../sdk/models.js';
import { translateUnits } from '../sdk/neural-translate.js';
import { loadSeq2SeqTokenizer } from '../sdk/seq2seq-tokenizer.js';
import { openSeq2SeqTranslator } from '../sdk/seq2seq-translator.js';
import { requireLanguageToken } from './language-tokens.js';
import { NllbOptions } from './options.js';

export default defineStage(async (input, ctx) => {
  const options = parseOptions(NllbOptions, input, 'nllb');
  return translateUnits(input, ctx, {
    provider: 'nllb',
    stageId: 'nllb:translate',
    options,
    async open(source, target, sourceTag, targetTag) {
      const model = await openModel(options.model, { task: 'mt', provider: 'nllb' });
      const tokens = (await loadSeq2SeqTokenizer(model.dir)).specialTokens;
      return openSeq2SeqTranslator(model, {
        executionProviders: options.executionProviders,
        threads: options.threads,
        beams: options.beams,
        batchSize: options.batchSize,
        log: ctx.log,
        sourceToken: requireLanguageToken(tokens, source, sourceTag, model.id),
        forcedTargetToken: requireLanguageToken(tokens, target, targetTag, model.id),
        checkpoint: () => throwIfCancelled(ctx),
      });
    },
  });
});
