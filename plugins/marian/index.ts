/**
 * marian: neural translation with opus-mt models (Helsinki-NLP's Marian models, exported to
 * ONNX) on ONNX Runtime, one model per language pair.
 *
 * Catalogue entries it runs (provider: marian, task: mt): an opus-mt export in Xenova's layout
 * (tokenizer.json, tokenizer_config.json, config.json, generation_config.json,
 * onnx/encoder_model*.onnx, onnx/decoder_model_merged*.onnx) with `pairs: [[src, tgt]]` in
 * ISO 639-1; see plugins/sdk/seq2seq-translator.ts for the files it reads.
 */
import { definePlugin, languageCode } from '../sdk/index.js';
import { modelFingerprint } from '../sdk/models.js';
import { MarianOptions } from './options.js';
import { candidateModels, entryPairs, FIRST_MODEL, modelForPair, pullHint } from './pairs.js';

export default definePlugin<MarianOptions>({
  name: 'marian',
  version: '1.0.0',
  description: 'Neural translation with opus-mt models on ONNX Runtime, one model per language pair (dubarr models pull opus-mt-en-es).',
  options: MarianOptions,
  stages: [{
    id: 'marian:translate',
    capability: 'translate',
    runIn: 'worker',
    entry: new URL('./translate.stage.js', import.meta.url),
    weight: 0.5,
  }],
  async engine(options, languages): Promise<Record<string, string>> {
    const from = languageCode(languages.sourceLanguage);
    const to = languageCode(languages.targetLanguage);
    if (!from || !to) return { model: 'none' };
    try {
      const model = await modelForPair(options, from, to);
      return { model: model.id, files: await modelFingerprint(model.dir) };
    } catch {
      return { model: 'none' }; // the stage fails with the reason; nothing to cache
    }
  },
  async available(options) {
    try {
      const models = await candidateModels(options);
      if (models.length === 0) {
        const id = options.model ?? FIRST_MODEL;
        return { ok: false, reason: `no opus-mt model is installed: dubarr models pull ${id} (improves translate: neural translation instead of apertium)` };
      }
      return {
        ok: true,
        languages: { pairs: models.flatMap((m) => entryPairs(m.entry)) },
        howToAdd: (from, to) => pullHint(from, to),
      };
    } catch (e) {
      return { ok: false, reason: `the opus-mt model cannot be read: ${(e as Error).message}` };
    }
  },
});
