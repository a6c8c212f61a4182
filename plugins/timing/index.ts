import { definePlugin } from '../sdk/index.js';
import { FitStageOptions } from './options.js';

export { planTiming, summarize, DEFAULT_FIT, type PlacedClip, type TimedClip, type FitOptions } from './plan.js';

export default definePlugin<FitStageOptions>({
  name: 'timing',
  version: '1.0.0',
  description: 'Fits synthesized speech to its slots: gap first, bounded pitch-preserving stretch, smoothed pace, no overlaps, absolute placement.',
  options: FitStageOptions,
  stages: [{
    id: 'timing:fit',
    capability: 'fit',
    runIn: 'worker',
    entry: new URL('./fit.stage.js', import.meta.url),
    weight: 1,
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
