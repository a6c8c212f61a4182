import { z } from 'zod';

export const FilmOptions = z.object({
  /** Picture size and rate of the film (and of the podcast's video); clips are planned at this size. */
  width: z.number().int().min(64).max(3840).multipleOf(2).default(1280),
  height: z.number().int().min(64).max(2160).multipleOf(2).default(720),
  fps: z.number().int().min(1).max(60).default(25),
  /** Silence before a scene's first line, between lines, and after its last, ms. */
  leadInMs: z.number().int().min(0).max(10_000).default(600),
  gapMs: z.number().int().min(0).max(10_000).default(350),
  tailMs: z.number().int().min(0).max(10_000).default(900),
  /** What the music step is asked for when the script does not say (`music.prompt`). */
  musicPrompt: z.string().min(1).default('a calm, warm ambient pad under dialogue'),
  /** The bed's integrated loudness when the script does not say, LUFS: well under speech (about -16). */
  musicLoudnessLufs: z.number().min(-70).max(-5).default(-32),
  /** Captions: a subtitle track per language ('track'), or the first language's burned into the picture ('burn'). */
  captions: z.enum(['track', 'burn']).default('track'),
  /** AAC bit rate of each language's track, kbit/s. */
  audioKbps: z.number().int().min(32).max(512).default(160),
  /** libx264 quality (CRF) and speed preset of the assembled video. */
  crf: z.number().int().min(0).max(51).default(20),
  x264Preset: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow']).default('veryfast'),
  ffmpeg: z.string().min(1).default('ffmpeg'),
});
export type FilmOptions = z.infer<typeof FilmOptions>;
