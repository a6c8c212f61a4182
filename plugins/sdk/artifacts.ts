import { z } from 'zod';

/**
 * The JSON documents stages pass to each other. Times are integer milliseconds on the
 * source video's timeline (stream start offsets already applied).
 */
const ms = z.number().int().nonnegative();

export const Word = z.object({
  start: ms, end: ms, text: z.string(), confidence: z.number().min(0).max(1).optional(),
});
export type Word = z.infer<typeof Word>;

export const TranscriptSegment = z.object({
  id: z.string(),
  start: ms,
  end: ms,
  text: z.string(),
  words: z.array(Word).optional(),
  speaker: z.string().optional(),
  confidence: z.number().min(0).max(1).optional(),
});
export type TranscriptSegment = z.infer<typeof TranscriptSegment>;

export const Transcript = z.object({
  language: z.string(),
  /** Where the text came from: 'subtitles' (with the file or stream), 'asr' (with the engine). */
  source: z.object({ kind: z.enum(['subtitles', 'asr']), provider: z.string(), detail: z.string().optional() }),
  segments: z.array(TranscriptSegment),
});
export type Transcript = z.infer<typeof Transcript>;

export const TranslationSegment = TranscriptSegment.extend({ target: z.string() });
export type TranslationSegment = z.infer<typeof TranslationSegment>;

export const Translation = z.object({
  sourceLanguage: z.string(),
  targetLanguage: z.string(),
  provider: z.string(),
  segments: z.array(TranslationSegment),
});
export type Translation = z.infer<typeof Translation>;

/** Voice activity: where someone speaks. */
export const SpeechSegments = z.object({
  durationMs: ms,
  segments: z.array(z.object({ start: ms, end: ms, probability: z.number().min(0).max(1).optional() })),
});
export type SpeechSegments = z.infer<typeof SpeechSegments>;

/** Synthesized speech, one WAV per dubbing unit. `file` names an entry of the stage's files. */
export const SynthesizedSegments = z.object({
  language: z.string(),
  provider: z.string(),
  segments: z.array(z.object({
    id: z.string(),
    /** The unit's slot on the timeline (from the translation). */
    start: ms,
    end: ms,
    file: z.string(),
    durationMs: ms,
    /** Speaking-rate multiplier the engine used (1 = its default pace). */
    rate: z.number().positive(),
    voice: z.string().optional(),
  })),
});
export type SynthesizedSegments = z.infer<typeof SynthesizedSegments>;

/** The JSON document each capability must return; the contract suite checks it. */
export const CAPABILITY_OUTPUT: Record<string, z.ZodType> = {
  vad: SpeechSegments,
  transcribe: Transcript,
  'source-text': Transcript,
  segment: Transcript,
  translate: Translation,
  synthesize: SynthesizedSegments,
};
