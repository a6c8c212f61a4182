/**
 * nllb: many-to-many neural translation with NLLB-200 (or M2M-100) exported to ONNX, on ONNX
 * Runtime: one model for every pair of its languages.
 *
 * Catalogue entry it runs (provider: nllb, task: mt): Xenova's layout (tokenizer.json,
 * tokenizer_config.json, config.json, generation_config.json, onnx/encoder_model*.onnx,
 * onnx/decoder_model_merged*.onnx), `languages` = the ISO 639-1 codes the model has language
 * tokens for (they become the provider's input and output languages).
 */
import { definePlugin } from '../sdk/index.js';
import { modelFingerprint, modelInstalled, openModel } from '../sdk/models.js';
import { NllbOptions } from './options.js';

export default definePlugin<NllbOptions>({
  name: 'nllb',
  version: '1.0.0',
  description: 'Neural translation between 200 languages with NLLB-200 on ONNX Runtime (dubarr models pull nllb-200-distilled-600m).',
  options: NllbOptions,
  stages: [{
    id: 'nllb:translate',
    capability: 'translate',
    runIn: 'worker',
    entry: new URL('./translate.stage.js', import.meta.url),
    weight: 0.6,
  }],
  async engine(options): Promise<Record<string, string>> {
    if (!(await modelInstalled(options.model))) return { model: 'none' }; // the stage fails with the pull command
    return { model: options.model, files: await modelFingerprint(options.model) };
  },
  async available(options) {
    if (!(await modelInstalled(options.model))) {
      return { ok: false, reason: `no NLLB model is installed: dubarr models pull ${options.model} (improves translate: neural translation between 200 languages)` };
    }
    try {
      const { entry } = await openModel(options.model, { task: 'mt', provider: 'nllb' });
      const languages = entry.languages === '*' ? '*' : entry.languages;
      return { ok: true, languages: { input: languages, output: languages } };
    } catch (e) {
      return { ok: false, reason: (e as Error).message };
    }
  },
});
