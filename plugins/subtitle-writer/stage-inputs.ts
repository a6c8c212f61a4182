/** The subtitle stage's inputs: a Translation (target text) or a Transcript, validated. */
import { z } from 'zod';
import { DubarrError, Transcript, Translation, languageCode, type StageInput } from '../sdk/index.js';
import { SubtitleWriterOptions } from './options.js';
import type { TextSegment } from './plan-cues.js';

export interface SubtitleSource {
  kind: 'translation' | 'transcript';
  /** ISO 639-1 where known, else as given. */
  language: string;
  segments: TextSegment[];
}

export function readOptions(input: StageInput): SubtitleWriterOptions {
  const r = SubtitleWriterOptions.safeParse(input.options ?? {});
  if (!r.success) throw new DubarrError('E_INVALID_ARGUMENT', `subtitle-writer options: ${z.prettifyError(r.error)}`);
  return r.data;
}

/** inputs.translation (its target text) wins over inputs.transcript (source-language text). */
export function readSource(input: StageInput): SubtitleSource {
  const { translation, transcript } = input.inputs;
  if (translation) {
    const r = Translation.safeParse(translation.data);
    if (!r.success) throw new DubarrError('E_INVALID_ARGUMENT', `inputs.translation is not a Translation: ${z.prettifyError(r.error)}`);
    return {
      kind: 'translation',
      language: languageCode(r.data.targetLanguage) ?? r.data.targetLanguage,
      segments: r.data.segments.map((s) => ({ start: s.start, end: s.end, text: s.target, ...(s.speaker ? { speaker: s.speaker } : {}) })),
    };
  }
  if (transcript) {
    const r = Transcript.safeParse(transcript.data);
    if (!r.success) throw new DubarrError('E_INVALID_ARGUMENT', `inputs.transcript is not a Transcript: ${z.prettifyError(r.error)}`);
    return {
      kind: 'transcript',
      language: languageCode(r.data.language) ?? r.data.language,
      segments: r.data.segments.map((s) => ({ start: s.start, end: s.end, text: s.text, ...(s.speaker ? { speaker: s.speaker } : {}) })),
    };
  }
  throw new DubarrError('E_INVALID_ARGUMENT', 'subtitle-writer needs inputs.translation (a Translation) or inputs.transcript (a Transcript)');
}
