import { definePlugin } from '../sdk/index.js';
import { nativeAddonAvailability, nativeAddonEngine } from '../sdk/native-availability.js';
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
  available: nativeAddonAvailability,
  engine: nativeAddonEngine,
});
