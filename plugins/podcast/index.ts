import { definePlugin } from '../sdk/index.js';
import { ffmpegAvailability, ffmpegEngine } from '../sdk/ffmpeg-cli.js';
import { PodcastOptions } from './options.js';

export default definePlugin<PodcastOptions>({
  name: 'podcast',
  version: '1.0.0',
  description: 'The podcast presets\' picture: speaker cards (name, colour), the one talking highlighted (sharp + ffmpeg); a recorded episode as a script and timeline.',
  options: PodcastOptions,
  stages: [
    { id: 'podcast:speaker-cards', capability: 'speaker-cards', runIn: 'worker', entry: new URL('./speaker-cards.stage.js', import.meta.url), weight: 0.5 },
    { id: 'podcast:recording-script', capability: 'recording-script', runIn: 'main', entry: new URL('./recording-script.stage.js', import.meta.url), weight: 0.05, retries: 0 },
    { id: 'podcast:recording-timeline', capability: 'recording-timeline', runIn: 'main', entry: new URL('./recording-timeline.stage.js', import.meta.url), weight: 0.05, retries: 0 },
  ],
  available: (o) => ffmpegAvailability(o.ffmpeg),
  engine: (o) => ffmpegEngine(o.ffmpeg),
});
