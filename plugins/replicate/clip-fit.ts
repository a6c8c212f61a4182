/**
 * Makes a model's clip into the plan's: its size (scaled to fit, centred on black), its frame
 * rate, exactly durationMs (cut, or held on its last frame), H.264 in MP4, no audio. The native
 * addon has no video filter graph, so this runs the ffmpeg CLI through runTool (cancel kills it).
 */
import { runTool } from '../sdk/index.js';

export interface ClipShape {
  width: number;
  height: number;
  fps: number;
  durationMs: number;
  crf: number;
}

/** Frames in a clip of the plan's duration at its rate (at least one). */
export function clipFrames(durationMs: number, fps: number): number {
  return Math.max(1, Math.round((durationMs * fps) / 1000));
}

export async function fitClip(src: string, out: string, s: ClipShape, signal: AbortSignal): Promise<{ frames: number; durationMs: number }> {
  const frames = clipFrames(s.durationMs, s.fps);
  const { width: w, height: h } = s;
  const vf = [
    `scale=${w}:${h}:force_original_aspect_ratio=decrease`,
    `pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=black`,
    'setsar=1',
    `fps=${s.fps}`,
    // A clip shorter than asked holds its last frame; -frames:v cuts a longer one.
    'tpad=stop=-1:stop_mode=clone',
  ].join(',');
  await runTool({
    binary: 'ffmpeg',
    tool: 'ffmpeg',
    install: 'apt-get install ffmpeg',
    failureHint: 'The model\'s clip may be damaged or in a format this FFmpeg cannot read; retry the job, or choose another video model.',
    args: ['-nostdin', '-hide_banner', '-v', 'error', '-y', '-i', src, '-vf', vf, '-frames:v', String(frames), '-an',
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(s.crf), '-pix_fmt', 'yuv420p', '-movflags', '+faststart', out],
    signal,
  });
  return { frames, durationMs: Math.round((frames * 1000) / s.fps) };
}
