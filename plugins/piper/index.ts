import { definePlugin } from '../sdk/index.js';
import { espeakEngine } from '../sdk/espeak.js';
import { findExecutable } from '../sdk/file-fingerprint.js';
import { lookupLanguage } from '../sdk/languages.js';
import { catalogueEntry, modelFingerprint } from '../sdk/models.js';
import { DEFAULT_PIPER_VOICE, PiperOptions } from './options.js';
import { modelsFor, usableModels } from './piper-voices.js';

const IMPROVES = 'improves speech synthesis: a neural voice instead of espeak-ng';

export default definePlugin<PiperOptions>({
  name: 'piper',
  version: '1.0.0',
  description: 'Neural voices (Piper, VITS on ONNX Runtime) from espeak-ng phonemes; one model per voice, some with several speakers.',
  options: PiperOptions,
  stages: [{
    id: 'piper:synthesize',
    capability: 'synthesize',
    runIn: 'worker',
    entry: new URL('./synthesize.stage.js', import.meta.url),
    weight: 1,
  }],
  async engine(options, languages) {
    // The voices a step in this language may use, and the espeak-ng that makes their phonemes.
    const target = languages.targetLanguage;
    const models = target === undefined ? await usableModels(options) : await modelsFor(target, options);
    const prints = await Promise.all(models.map(async (m) => [`model:${m.id}`, await modelFingerprint(m.dir)] as const));
    return { ...Object.fromEntries(prints), ...(await espeakEngine(options.binary)) };
  },
  async available(options) {
    if (!(await findExecutable(options.binary))) {
      return { ok: false, reason: `espeak-ng (${options.binary}) is not installed; Piper's phonemes come from it: apt-get install espeak-ng` };
    }
    const models = await usableModels(options);
    if (models.length === 0) {
      const pull = catalogueEntry(DEFAULT_PIPER_VOICE) ? DEFAULT_PIPER_VOICE : '<a piper voice from dubarr models list>';
      return { ok: false, reason: `no piper voice is installed: dubarr models pull ${pull} (${IMPROVES})` };
    }
    const output = models.some((m) => m.entry.languages === '*') ? '*' as const
      : [...new Set(models.flatMap((m) => (m.entry.languages as string[]).map((l) => lookupLanguage(l)?.code ?? l)))].sort();
    return { ok: true, languages: { output } };
  },
});
