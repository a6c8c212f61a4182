/** The subtitle stage's inputs: a Translation (target text) or a Transcript, validated. */
import {
  DEFAULT_SUBTITLE_FORMATS, DubarrError, lookupLanguage, optionalDocument, parseOptions, subtitleFormatsParam, Transcript, Translation,
  languageCode, languageParam, type StageInput, type SubtitleOutputFormat,
} from '../sdk/index.js';
import { SubtitleWriterOptions } from './options.js';
import type { TextSegment } from './plan-cues.js';

export interface SubtitleSource {
  kind: 'translation' | 'transcript';
  /** ISO 639-1 where known, else as given; undefined for a transcript in an unknown language. */
  language?: string;
  /** For the file's own title: 'Español (AI)' for a translation, 'English (transcript)'. */
  title: string;
  segments: TextSegment[];
}

export const readOptions = (input: StageInput): SubtitleWriterOptions => parseOptions(SubtitleWriterOptions, input, 'subtitle-writer');

/** inputs.translation (its target text) wins over inputs.transcript (source-language text). */
export function readSource(input: StageInput): SubtitleSource {
  const translation = optionalDocument(Translation, input, 'translation', 'a Translation');
  if (translation) {
    return {
      kind: 'translation',
      language: languageCode(translation.targetLanguage) ?? translation.targetLanguage,
      title: titleOf(translation.targetLanguage, 'AI'),
      segments: translation.segments.map((s) => ({ start: s.start, end: s.end, text: s.target, ...(s.speaker ? { speaker: s.speaker } : {}) })),
    };
  }
  const transcript = optionalDocument(Transcript, input, 'transcript', 'a Transcript');
  if (transcript) {
    const language = languageCode(languageParam(input, 'sourceLanguage')) ?? languageCode(transcript.language);
    return {
      kind: 'transcript',
      // The job's (given or decided) source language first: the transcript may predate the decision.
      language,
      title: titleOf(language, 'transcript'),
      segments: transcript.segments.map((s) => ({ start: s.start, end: s.end, text: s.text, ...(s.speaker ? { speaker: s.speaker } : {}) })),
    };
  }
  throw new DubarrError('E_INVALID_ARGUMENT', 'subtitle-writer needs inputs.translation (a Translation) or inputs.transcript (a Transcript)');
}

function titleOf(language: string | undefined, what: string): string {
  if (!language) return what.charAt(0).toUpperCase() + what.slice(1);
  const name = lookupLanguage(language)?.nativeName ?? language;
  return `${name.charAt(0).toUpperCase()}${name.slice(1)} (${what})`;
}

/** The job's `subtitleFormats` (pipeline.subtitleFormats) when the step reads it, else the default; each once. */
export function readFormats(input: StageInput): SubtitleOutputFormat[] {
  return subtitleFormatsParam(input.params, 'subtitle-writer') ?? [...DEFAULT_SUBTITLE_FORMATS];
}
