import { definePlugin, fingerprintFile } from '../sdk/index.js';
import { ffmpegAvailability, ffmpegEngine } from '../sdk/ffmpeg-cli.js';
import { FilmOptions } from './options.js';
import { readScriptFile } from './read-script.js';

const entry = (name: string) => new URL(`./${name}.stage.js`, import.meta.url);

/**
 * The steps of the script-driven presets that are not a provider's: read the script, give each
 * language its lines, lay out the timeline, plan the clips and the music, mix each language and
 * assemble the MP4. Voices, clips and music are the synthesize, video and music providers'.
 */
export default definePlugin<FilmOptions>({
  name: 'film',
  version: '1.0.0',
  description: 'Films and podcast videos from a script (the film and podcast presets): script, timeline, plans, mix and the final MP4 (ffmpeg).',
  options: FilmOptions,
  stages: [
    {
      id: 'film:script', capability: 'script', runIn: 'main', entry: entry('script'), weight: 0.05, retries: 0,
      // The pictures a script names are read too: a changed one is a new script result.
      async externalInputs(input) {
        const file = input.inputs.source?.files.media;
        if (!file) return {};
        const script = await readScriptFile(file, { musicPrompt: '' }).catch(() => undefined);
        const out: Record<string, string> = {};
        for (const s of script?.scenes ?? []) if (s.image) out[s.image] = await fingerprintFile(s.image);
        return out;
      },
    },
    { id: 'film:lines', capability: 'script-lines', runIn: 'main', entry: entry('lines'), weight: 0.05, retries: 0 },
    { id: 'film:timeline', capability: 'timeline', runIn: 'main', entry: entry('timeline'), weight: 0.05, retries: 0 },
    { id: 'film:plan-clips', capability: 'plan-clips', runIn: 'main', entry: entry('plan-clips'), weight: 0.05, retries: 0 },
    { id: 'film:plan-music', capability: 'plan-music', runIn: 'main', entry: entry('plan-music'), weight: 0.05, retries: 0 },
    { id: 'film:speech-mix', capability: 'speech-mix', runIn: 'worker', entry: entry('speech-mix'), weight: 0.5 },
    { id: 'film:assemble', capability: 'assemble', runIn: 'worker', entry: entry('assemble'), weight: 1, retries: 0 },
  ],
  available: (o) => ffmpegAvailability(o.ffmpeg),
  engine: (o) => ffmpegEngine(o.ffmpeg),
});
