import { definePlugin } from '../sdk/index.js';
import { ffmpegAvailability, ffmpegEngine } from '../sdk/ffmpeg-cli.js';
import { StillVideoOptions } from './options.js';

export default definePlugin<StillVideoOptions>({
  name: 'still-video',
  version: '1.0.0',
  description: 'The video step offline: each planned clip as a still (the scene\'s image, or its prompt as a title card) with a slow push-in (sharp + ffmpeg).',
  options: StillVideoOptions,
  stages: [{ id: 'still-video:video', capability: 'video', runIn: 'worker', entry: new URL('./video.stage.js', import.meta.url), weight: 1 }],
  available: (o) => ffmpegAvailability(o.ffmpeg),
  engine: (o) => ffmpegEngine(o.ffmpeg),
});
