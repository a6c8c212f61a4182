import { definePlugin } from '../sdk/index.js';
import { ffmpegAvailability, ffmpegEngine } from '../sdk/ffmpeg-cli.js';
import { SynthBedOptions } from './options.js';

export default definePlugin<SynthBedOptions>({
  name: 'synth-bed',
  version: '1.0.0',
  description: 'The music step offline: a soft synthesized chord pad (or silence) of the film\'s length at the planned loudness.',
  options: SynthBedOptions,
  stages: [{ id: 'synth-bed:music', capability: 'music', runIn: 'worker', entry: new URL('./music.stage.js', import.meta.url), weight: 0.3 }],
  available: (o) => ffmpegAvailability(o.ffmpeg),
  engine: (o) => ffmpegEngine(o.ffmpeg),
});
