import { definePlugin } from '../sdk/index.js';
import { MixOptions } from './options.js';

export default definePlugin<MixOptions>({
  name: 'mix',
  version: '1.0.0',
  description: 'Builds the dubbed audio track: dub lines on the timeline over the ducked original (or alone), loudness-matched, in the source\'s layout and a codec its container plays.',
  options: MixOptions,
  stages: [{
    id: 'mix:mix',
    capability: 'mix',
    runIn: 'worker',
    entry: new URL('./mix.stage.js', import.meta.url),
    weight: 3,
  }],
  async available() {
    try {
      // Imported here, so a missing addon makes the plugin unavailable with a reason instead of unloadable.
      await import('../../native/lib/index.js');
      return { ok: true };
    } catch (e) {
      return { ok: false, reason: `the native FFmpeg addon is not built (${(e as Error).message}); run npm run setup` };
    }
  },
});
