/**
 * elevenlabs — ElevenLabs' cloud voices: speech per line with a voice per speaker (or the
 * speaker's own, cloned, with allowCloning), Scribe transcription with speakers (and the language it hears), and the
 * Dubbing API as a whole-pipeline preset (dub-elevenlabs). Needs an API key; never calls the
 * network to say whether it is available.
 */
import { definePlugin } from '../sdk/index.js';
import { ElevenLabsOptions } from './options.js';

export default definePlugin<ElevenLabsOptions>({
  name: 'elevenlabs',
  version: '1.0.0',
  description: 'ElevenLabs (cloud): voices per speaker with timing-aware speed, optional instant clones, Scribe transcription with speakers (and the language it hears), and the Dubbing API (preset dub-elevenlabs).',
  options: ElevenLabsOptions,
  stages: [{
    id: 'elevenlabs:synthesize',
    capability: 'synthesize',
    languages: { output: '*' },
    runIn: 'main',
    entry: new URL('./synthesize.stage.js', import.meta.url),
    weight: 3,
  }, {
    id: 'elevenlabs:transcribe',
    capability: 'transcribe',
    languages: { input: '*', output: '*' },
    runIn: 'main',
    entry: new URL('./transcribe.stage.js', import.meta.url),
    weight: 3,
  }, {
    id: 'elevenlabs:source-text',
    capability: 'source-text',
    languages: { input: '*', output: '*' },
    runIn: 'main',
    entry: new URL('./transcribe.stage.js', import.meta.url),
    weight: 3,
  }, {
    id: 'elevenlabs:identify-language',
    capability: 'identify-language',
    languages: { input: '*' },
    runIn: 'main',
    entry: new URL('./identify-language.stage.js', import.meta.url),
    weight: 0.5,
  }, {
    id: 'elevenlabs:dubbing',
    capability: 'dubbing',
    languages: { input: '*', output: '*' },
    runIn: 'main',
    entry: new URL('./dubbing.stage.js', import.meta.url),
    weight: 10,
  }],
  // The model and settings are in each line's cache key and in the stage options already.
  async engine(o) {
    return { api: o.baseUrl.replace(/\/+$/, '') };
  },
  async available(o) {
    if (!o.apiKey) return { ok: false, reason: 'no API key: set plugins.options.elevenlabs.apiKey (or DUBARR_PLUGINS_OPTIONS_ELEVENLABS__API_KEY)' };
    return { ok: true };
  },
});
