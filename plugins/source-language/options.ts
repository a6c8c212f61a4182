import { z } from 'zod';

export const SourceLanguageOptions = z.object({
  /**
   * How sure content identification (subtitle text, audio) must be to overrule the audio
   * stream's language tag, 0-1. Set from pipeline.sourceLanguageConfidence.
   */
  minConfidence: z.number().min(0).max(1).default(0.8),
});
export type SourceLanguageOptions = z.infer<typeof SourceLanguageOptions>;
