/**
 * still-video:video — every clip of a ClipPlan as a still picture (the given image, or the
 * prompt as a title card) made into an H.264 clip of exactly its duration (whole frames at the
 * plan's rate), with a slow push-in. Offline, and quick: the local stand-in for a video model.
 */
import { join } from 'node:path';
import { ClipPlanSchema, DubarrError, defineStage, parseOptions, requireDocument, throwIfCancelled, type GeneratedClips } from '../sdk/index.js';
import { runFfmpeg } from '../sdk/ffmpeg-cli.js';
import { StillVideoOptions } from './options.js';
import { fittedImage, titleCard } from './title-card.js';

export default defineStage<unknown, GeneratedClips>(async (input, ctx) => {
  const options = parseOptions(StillVideoOptions, input, 'still-video');
  const plan = requireDocument(ClipPlanSchema, input, 'plan', 'a ClipPlan', 'still-video:video');
  const files: Record<string, string> = {};
  const made: GeneratedClips['clips'] = [];
  // Rendered larger than the frame when zooming, so the push-in never enlarges pixels.
  const scale = options.zoom ? 2 : 1;
  for (const [i, clip] of plan.clips.entries()) {
    throwIfCancelled(ctx);
    const still = join(ctx.workDir, `${clip.id}.png`);
    const w = plan.width * scale;
    const h = plan.height * scale;
    if (clip.image) {
      await fittedImage(clip.image, w, h, still).catch((e: unknown) => {
        throw new DubarrError('E_MEDIA_UNREADABLE', `The image of clip ${clip.id} (${clip.image}) cannot be read as a picture: ${(e as Error).message}`);
      });
    } else {
      await titleCard(clip.prompt, w, h, clip.seed ?? i + 1, still);
    }
    const frames = Math.max(1, Math.round((clip.durationMs * plan.fps) / 1000));
    const step = (options.zoomTo - 1) / frames;
    const picture = options.zoom
      ? `zoompan=z='min(1+${step.toFixed(6)}*on,${options.zoomTo})':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=${frames}:s=${plan.width}x${plan.height}:fps=${plan.fps}`
      : `scale=${plan.width}:${plan.height},fps=${plan.fps}`;
    const file = join(ctx.workDir, `${clip.id}.mp4`);
    await runFfmpeg(options.ffmpeg, [
      '-loop', '1', '-framerate', String(plan.fps), '-i', still, '-vf', `${picture},format=yuv420p`, '-frames:v', String(frames),
      '-r', String(plan.fps), '-c:v', 'libx264', '-preset', options.x264Preset, '-crf', String(options.crf), '-an', file,
    ], ctx.signal);
    files[clip.id] = file;
    made.push({ id: clip.id, durationMs: Math.round((frames * 1000) / plan.fps), made: 'still' });
    ctx.progress((i + 1) / plan.clips.length, clip.id);
  }
  return { files, data: { clips: made } };
});
