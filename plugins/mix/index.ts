import { definePlugin } from '../sdk/index.js';
import { nativeAddonAvailability, nativeAddonEngine } from '../sdk/native-availability.js';
import { MixOptions } from './options.js';

export default definePlugin<MixOptions>({
  name: 'mix',
  version: '1.0.0',
  description: 'Builds the dubbed audio track: dub lines on the timeline over the ducked original, the original without its voice (background: separate) or alone, loudness-matched, in the source\'s layout and a codec its container plays.',
  options: MixOptions,
  stages: [{
    id: 'mix:mix',
    capability: 'mix',
    runIn: 'worker',
    entry: new URL('./mix.stage.js', import.meta.url),
    weight: 3,
    // The separation is read only to replace the ducked original: otherwise its step need not run.
    readsInput: (name, o) => name !== 'separated' || ((o as MixOptions).mode === 'duck' && (o as MixOptions).background === 'separate'),
  }],
  available: nativeAddonAvailability,
  engine: nativeAddonEngine,
});
