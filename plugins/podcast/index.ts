import { definePlugin } from '../sdk/index.js';
import { ffmpegAvailability, ffmpegEngine } from '../sdk/ffmpeg-cli.js';
import { PodcastOptions } from './options.js';

export default definePlugin<PodcastOptions>({
  name: 'podcast',
  version: '1.0.0',
  description: 'The podcast preset\'s picture: speaker cards (name, colour), the one talking highlighted (sharp + ffmpeg).',
  options: PodcastOptions,
  stages: [{ id: 'podcast:speaker-cards', capability: 'speaker-cards', runIn: 'worker', entry: new URL('./speaker-cards.stage.js', import.meta.url), weight: 0.5 }],
  available: (o) => ffmpegAvailability(o.ffmpeg),
  engine: (o) => ffmpegEngine(o.ffmpeg),
});
