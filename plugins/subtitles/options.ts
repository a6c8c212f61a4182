import { z } from 'zod';

export const SubtitlesOptions = z.object({
  /** Use existing subtitles as the source text; false sends every job to ASR. */
  enabled: z.boolean().default(true),
  /** Rank SDH (hearing-impaired) files above plain ones; they are cleaned either way. */
  preferSdh: z.boolean().default(false),
  /** How far (ms) a cue edge may move to meet a speech-segment boundary from VAD. */
  alignToleranceMs: z.number().int().min(0).max(5000).default(500),
  /**
   * Accept forced subtitles as a last resort. They only cover foreign-language lines and
   * signs, so they are never a full transcript; leave this off unless you know better.
   */
  allowForced: z.boolean().default(false),
});
export type SubtitlesOptions = z.infer<typeof SubtitlesOptions>;
