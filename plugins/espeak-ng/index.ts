import { definePlugin } from '../sdk/index.js';
import { espeakEngine } from '../sdk/espeak.js';
import { EspeakOptions } from './options.js';
import { listVoices, voiceLanguages } from './voices.js';

export { parseVoiceList, pickVoice, type EspeakVoice } from './voices.js';
export { assignSpeakerVariants } from './speaker-variants.js';

export default definePlugin<EspeakOptions>({
  name: 'espeak-ng',
  version: '1.0.0',
  description: 'Offline formant speech synthesis in ~100 languages (apt-get install espeak-ng); robotic but fast.',
  options: EspeakOptions,
  stages: [{
    id: 'espeak-ng:synthesize',
    capability: 'synthesize',
    runIn: 'worker',
    entry: new URL('./synthesize.stage.js', import.meta.url),
    weight: 0.5,
  }],
  engine: (options) => espeakEngine(options.binary),
  async available(options) {
    try {
      const voices = await listVoices(options.binary);
      if (voices.length === 0) return { ok: false, reason: 'espeak-ng lists no voices: apt-get install --reinstall espeak-ng-data' };
      return { ok: true, languages: { output: voiceLanguages(voices) } };
    } catch (e) {
      return { ok: false, reason: `espeak-ng does not run (${(e as Error).message}): apt-get install espeak-ng` };
    }
  },
});
