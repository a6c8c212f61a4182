import { z } from 'zod';

/** The subtitle stage's JSON result: what was written and which rules could not be met. */
export const SubtitleReport = z.object({
  /** Absent for source-language subtitles whose language nothing names. */
  language: z.string().optional(),
  from: z.enum(['translation', 'transcript']),
  cues: z.number().int().nonnegative(),
  violations: z.array(z.object({
    cue: z.number().int().positive(),
    rule: z.enum(['max-line-chars', 'max-lines', 'max-cps', 'min-duration', 'min-gap']),
    value: z.number(),
    limit: z.number(),
  })),
});
export type SubtitleReport = z.infer<typeof SubtitleReport>;
