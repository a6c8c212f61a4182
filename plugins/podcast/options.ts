import { z } from 'zod';

export const PodcastOptions = z.object({
  /** Size of the speaker-card video (set it like film.width/height: the film assembles at its own size). */
  width: z.number().int().min(64).max(3840).multipleOf(2).default(1280),
  height: z.number().int().min(64).max(2160).multipleOf(2).default(720),
  /** How much of a speaker's colour an idle card keeps (the one speaking shows it whole). */
  idleBrightness: z.number().min(0).max(1).default(0.3),
  background: z.string().regex(/^#[0-9a-fA-F]{6}$/).default('#15171c'),
  /** Frame rate of a recorded episode's video (a scripted one takes film.fps). */
  fps: z.number().int().min(1).max(60).default(25),
  /** A recorded episode's shortest section (chapter): sections are cut at the longest pauses at least this far apart. */
  minSectionSeconds: z.number().min(1).max(3600).default(120),
  crf: z.number().int().min(0).max(51).default(20),
  ffmpeg: z.string().min(1).default('ffmpeg'),
});
export type PodcastOptions = z.infer<typeof PodcastOptions>;
