import { definePlugin } from '../sdk/index.js';
import { espeakEngine } from '../sdk/espeak.js';
import { findExecutable } from '../sdk/file-fingerprint.js';
import { catalogueEntry, modelFingerprint, modelInstalled, openModel } from '../sdk/models.js';
import { kokoroLayout } from './model-layout.js';
import { KokoroOptions } from './options.js';

export default definePlugin<KokoroOptions>({
  name: 'kokoro',
  version: '1.0.0',
  description: 'Kokoro-82M neural voices on ONNX Runtime from espeak-ng phonemes: English, Spanish, French, Hindi, Italian, Brazilian Portuguese.',
  options: KokoroOptions,
  stages: [{
    id: 'kokoro:synthesize',
    capability: 'synthesize',
    runIn: 'worker',
    entry: new URL('./synthesize.stage.js', import.meta.url),
    weight: 1,
  }],
  async engine(options) {
    return { model: await modelFingerprint(options.model), ...(await espeakEngine(options.binary)) };
  },
  async available(options) {
    if (!(await findExecutable(options.binary))) {
      return { ok: false, reason: `espeak-ng (${options.binary}) is not installed; Kokoro's phonemes come from it: apt-get install espeak-ng` };
    }
    if (!(await modelInstalled(options.model))) {
      const pull = catalogueEntry(options.model) ? options.model : 'kokoro-82m';
      return { ok: false, reason: `no Kokoro model is installed${options.model === pull ? '' : ` at ${options.model}`}: dubarr models pull ${pull} (improves speech synthesis: Kokoro voices instead of espeak-ng)` };
    }
    try {
      const layout = kokoroLayout(await openModel(options.model, { provider: 'kokoro', task: 'tts' }));
      return { ok: true, languages: { output: [...new Set(layout.voices.map((v) => v.language))].sort() } };
    } catch (e) {
      return { ok: false, reason: (e as Error).message };
    }
  },
});
