/**
 * whisper — OpenAI Whisper speech recognition and spoken-language identification on ONNX
 * Runtime, from the onnx-community / Xenova exports (encoder + merged decoder with KV cache),
 * with dubarr's own decoding loop (see decode-loop.ts for why).
 *
 * Files it needs from a model (catalogue entry `files`): onnx/encoder_model.onnx,
 * onnx/decoder_model_merged.onnx (or the files entry.settings.encoder / .decoder name, e.g.
 * the *_quantized.onnx ones; fp16 exports are refused), config.json, generation_config.json,
 * preprocessor_config.json, tokenizer.json.
 */
import { definePlugin, type LanguageSupport } from '../sdk/index.js';
import { modelFingerprint, modelInstalled, openModel } from '../sdk/models.js';
import { DEFAULT_MODEL, WhisperOptions } from './options.js';

const IMPROVES = 'transcribe, source-text, identify-language';

export default definePlugin<WhisperOptions>({
  name: 'whisper',
  version: '1.0.0',
  description: 'Whisper speech recognition (segment and word timestamps, VAD-chunked) and spoken-language identification on ONNX Runtime.',
  options: WhisperOptions,
  stages: [{
    id: 'whisper:transcribe',
    capability: 'transcribe',
    languages: { input: '*', output: '*' },
    runIn: 'worker',
    entry: new URL('./transcribe.stage.js', import.meta.url),
    weight: 3,
  }, {
    id: 'whisper:source-text',
    capability: 'source-text',
    languages: { input: '*', output: '*' },
    runIn: 'worker',
    entry: new URL('./transcribe.stage.js', import.meta.url),
    weight: 3,
  }, {
    id: 'whisper:identify-language',
    capability: 'identify-language',
    runIn: 'worker',
    entry: new URL('./identify-language.stage.js', import.meta.url),
    weight: 0.5,
  }],
  async engine(o) {
    return { model: await modelFingerprint(o.model) };
  },
  async available(o) {
    if (!(await modelInstalled(o.model))) {
      const id = o.model.startsWith('/') ? DEFAULT_MODEL : o.model;
      return { ok: false, reason: `no whisper model is installed${o.model.startsWith('/') ? ` at ${o.model}` : ''}: dubarr models pull ${id} (improves ${IMPROVES})` };
    }
    try {
      const m = await openModel(o.model, { task: 'asr', provider: 'whisper' });
      const langs = m.entry.languages;
      const support: LanguageSupport = { input: langs, output: langs };
      return { ok: true, languages: support };
    } catch (e) {
      return { ok: false, reason: (e as Error).message };
    }
  },
});
