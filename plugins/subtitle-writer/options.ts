import { z } from 'zod';

/** Reading rules; the defaults are the common broadcast/streaming ones (e.g. Netflix's). */
export const SubtitleWriterOptions = z.object({
  maxLineChars: z.number().int().min(10).max(200).default(42),
  maxLines: z.number().int().min(1).max(4).default(2),
  /** Reading speed in characters per second, met by lengthening cues into the gaps. */
  maxCps: z.number().positive().max(100).default(17),
  minDurationMs: z.number().int().min(0).max(10_000).default(800),
  /** Gap between consecutive cues (80 ms = 2 frames at 25 fps), so the eye sees a change. */
  minGapMs: z.number().int().min(0).max(2000).default(80),
});
export type SubtitleWriterOptions = z.infer<typeof SubtitleWriterOptions>;
