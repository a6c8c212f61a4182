import { z } from 'zod';

export const StillVideoOptions = z.object({
  /** A slow push-in on each still (Ken Burns), so a scene does not look frozen. */
  zoom: z.boolean().default(true),
  /** How far the push-in goes over a scene (1.08 = 8 % closer at its end). */
  zoomTo: z.number().min(1).max(1.5).default(1.08),
  crf: z.number().int().min(0).max(51).default(20),
  x264Preset: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow']).default('veryfast'),
  ffmpeg: z.string().min(1).default('ffmpeg'),
});
export type StillVideoOptions = z.infer<typeof StillVideoOptions>;
