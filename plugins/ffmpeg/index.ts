import { definePlugin } from '../sdk/plugin.js';
import { nativeAddonAvailability, nativeAddonEngine } from '../sdk/native-availability.js';
import { FfmpegOptions } from './options.js';

const entry = (f: string) => new URL(`./${f}.stage.js`, import.meta.url);

export default definePlugin<FfmpegOptions>({
  name: 'ffmpeg',
  version: '1.0.0',
  description: 'Media I/O through the native FFmpeg addon: extract the audio to analyse, embedded subtitles, and deliver the dub (mux, sidecar, in place), and a browser preview with poster and thumbnails.',
  options: FfmpegOptions,
  retiredOptions: { makeDubDefault: 'it is now pipeline.defaultAudio: dub' },
  stages: [
    { id: 'ffmpeg:extract', capability: 'extract', runIn: 'worker', entry: entry('extract'), weight: 1 },
    { id: 'ffmpeg:subtitle-stream', capability: 'subtitle-stream', runIn: 'worker', entry: entry('subtitle-stream'), weight: 0.1 },
    { id: 'ffmpeg:mux', capability: 'mux', runIn: 'worker', entry: entry('mux'), weight: 1, retries: 0 },
    { id: 'ffmpeg:preview', capability: 'preview', runIn: 'worker', entry: entry('preview'), weight: 0.5 },
    { id: 'ffmpeg:analysis-audio', capability: 'analysis-audio', runIn: 'worker', entry: entry('analysis-audio'), weight: 0.2 },
  ],
  available: nativeAddonAvailability,
  engine: nativeAddonEngine,
});
