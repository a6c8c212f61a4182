import { definePlugin } from '../sdk/index.js';
import { SubtitlesOptions } from './options.js';
import { sidecarIdentities } from './sidecar-files.js';

export { sidecarName, parseSidecarName } from '../sdk/sidecar-name.js';
export { discoverSidecars } from '../sdk/sidecar-discovery.js';
export { alignToSpeech } from './align.js';
export { parseSubtitleText } from './parse.js';
export { cleanCue } from './clean.js';

export default definePlugin<SubtitlesOptions>({
  name: 'subtitles',
  version: '1.0.0',
  description: 'Source text from existing subtitles: sidecar files (Jellyfin/Plex/Emby naming) or an extracted stream.',
  options: SubtitlesOptions,
  stages: [{
    id: 'subtitles:source-text',
    capability: 'source-text',
    languages: { input: '*', output: '*' },
    runIn: 'main',
    entry: new URL('./source-text.stage.js', import.meta.url),
    weight: 0.1,
    // The subtitle files beside the video are read too: they are part of what the result depends on.
    async externalInputs(input) {
      const media = input.inputs.source?.files.media;
      return media ? sidecarIdentities(media) : {};
    },
  }],
  async available(options) {
    if (!options.enabled) {
      return { ok: false, reason: 'subtitles are disabled (option enabled: false); set plugins.subtitles.enabled to true to use existing subtitles before ASR' };
    }
    return { ok: true };
  },
});
