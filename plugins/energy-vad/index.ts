import { definePlugin } from '../sdk/index.js';
import { EnergyVadOptions } from './options.js';

/**
 * The fallback VAD: frame energy against an adaptive noise floor. No model and no native code,
 * so it is always available. It cannot tell speech from other sounds: on a steady background
 * (noise, hum, room tone) it reports no speech, but music, effects or laughter that rise above
 * the floor are reported as speech, and so is speech under a background less than ~10 dB below
 * it. The floor needs some pauses within each floorWindowMs. Prefer silero-vad when available.
 */
export default definePlugin<EnergyVadOptions>({
  name: 'energy-vad',
  version: '1.0.0',
  description: 'Speech detection by frame energy over an adaptive noise floor (no model; fallback).',
  options: EnergyVadOptions,
  stages: [{
    id: 'energy-vad:vad',
    capability: 'vad',
    languages: { input: '*' },
    runIn: 'worker',
    entry: new URL('./vad.stage.js', import.meta.url),
  }],
  async available() {
    return { ok: true, languages: { input: '*' } };
  },
});
