/**
 * film:plan-clips — one clip per scene, as long as the scene: what the `video` step (a still
 * picture locally, a video model in the cloud) is asked to make.
 */
import { defineStage, parseOptions, requireDocument, Script, Timeline, type ClipPlan } from '../sdk/index.js';
import { FilmOptions } from './options.js';

export default defineStage<unknown, ClipPlan>(async (input) => {
  const options = parseOptions(FilmOptions, input, 'film');
  const script = requireDocument(Script, input, 'script', 'a Script', 'film:plan-clips');
  const timeline = requireDocument(Timeline, input, 'timeline', 'a Timeline', 'film:plan-clips');
  const files = input.inputs.script!.files;
  const clips = script.scenes.map((scene, i) => {
    const at = timeline.scenes.find((s) => s.id === scene.id)!;
    const image = scene.image ? files[scene.image] : undefined;
    return {
      id: scene.id,
      prompt: scene.prompt ?? scene.title ?? script.title,
      durationMs: at.end - at.start,
      ...(image ? { image } : {}),
      // A fixed seed per scene: the same script makes the same film again.
      seed: i + 1,
    };
  });
  return { data: { width: options.width, height: options.height, fps: timeline.fps, clips } };
});
