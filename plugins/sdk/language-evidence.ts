import { z } from 'zod';

/**
 * What an 'identify-language' stage returns: the languages it hears in the audio, best first,
 * each with a probability in [0, 1]. A provider that cannot tell returns no candidates.
 * (No provider ships today; Whisper's language head is the intended first one.)
 */
export const LanguageIdentification = z.object({
  provider: z.string(),
  candidates: z.array(z.object({ language: z.string(), confidence: z.number().min(0).max(1) })),
  /** How much audio was listened to, ms. */
  sampleMs: z.number().int().nonnegative().optional(),
});
export type LanguageIdentification = z.infer<typeof LanguageIdentification>;

/** One piece of evidence about the source language, as the QA report shows it. */
export const LanguageEvidence = z.object({
  /**
   * 'user': --from / pipeline.sourceLanguage; 'subtitle-text': text identification of the
   * subtitles used as the source; 'audio': an identify-language provider; 'subtitle-tag': the
   * language the subtitle file or stream is labelled with; 'recognizer': the language of the
   * speech recognizer that made the transcript; 'audio-tag': the audio stream's tag.
   */
  method: z.enum(['user', 'subtitle-text', 'audio', 'subtitle-tag', 'recognizer', 'audio-tag']),
  language: z.string(),
  confidence: z.number().min(0).max(1).optional(),
  /** Who produced it: 'eld 2.1.0', a provider name, a file name. */
  source: z.string().optional(),
});
export type LanguageEvidence = z.infer<typeof LanguageEvidence>;

/** What the 'source-language' step decided, and why. Later steps get `language` as params.sourceLanguage. */
export const SourceLanguageDecision = z.object({
  /** ISO 639-1. */
  language: z.string(),
  decidedBy: LanguageEvidence.shape.method,
  confidence: z.number().min(0).max(1).optional(),
  /** The audio stream's language tag (ISO 639-1), when it had one. */
  audioTag: z.string().optional(),
  /** Content evidence overruled the audio stream's tag. */
  overridesTag: z.boolean(),
  /** Confidence content evidence needs to overrule a tag. */
  minConfidence: z.number().min(0).max(1),
  evidence: z.array(LanguageEvidence),
  /** One sentence for people: what decided, what disagreed. */
  note: z.string(),
});
export type SourceLanguageDecision = z.infer<typeof SourceLanguageDecision>;

/** The decision in brief: what the job's 'job.source-language' event holds and the CLI prints. */
export const SourceLanguageSummary = SourceLanguageDecision.pick({
  language: true, decidedBy: true, confidence: true, audioTag: true, overridesTag: true, note: true,
});
export type SourceLanguageSummary = z.infer<typeof SourceLanguageSummary>;
