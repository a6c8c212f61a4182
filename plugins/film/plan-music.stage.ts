/** film:plan-music — the bed the `music` step makes: the script's prompt, the whole film long, under the speech. */
import { defineStage, parseOptions, requireDocument, Script, Timeline, type MusicPlan } from '../sdk/index.js';
import { FilmOptions } from './options.js';

export default defineStage<unknown, MusicPlan>(async (input) => {
  const options = parseOptions(FilmOptions, input, 'film');
  const script = requireDocument(Script, input, 'script', 'a Script', 'film:plan-music');
  const timeline = requireDocument(Timeline, input, 'timeline', 'a Timeline', 'film:plan-music');
  return {
    data: {
      prompt: script.music.enabled ? script.music.prompt : '',
      durationMs: timeline.durationMs,
      // A script that asks for no music gets a silent bed: the mix needs no case of its own.
      loudnessLufs: script.music.enabled ? script.music.loudnessLufs ?? options.musicLoudnessLufs : -70,
    },
  };
});
