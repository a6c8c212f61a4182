import { definePlugin } from '../sdk/index.js';
import { nativeAddonAvailability, nativeAddonEngine } from '../sdk/native-availability.js';
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
  available: nativeAddonAvailability,
  engine: nativeAddonEngine,
});
