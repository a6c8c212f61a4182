/**
 * The source-text stage's inputs, validated: a bad upstream document is a coded
 * E_INVALID_ARGUMENT naming the input, not a crash further down.
 */
import { z } from 'zod';
import { DubarrError, optionalDocument, parseOptions, SpeechSegments, languageCode, languageParam, type StageInput } from '../sdk/index.js';
import { SUBTITLE_FORMATS, type SubtitleFormat } from '../sdk/sidecar-name.js';
import { SubtitlesOptions } from './options.js';

/** What an extraction stage says about the subtitle stream it wrote to files.subtitles. */
export const ExtractedSubtitles = z.object({
  language: z.string().optional(),
  format: z.enum(SUBTITLE_FORMATS).optional(),
  forced: z.boolean().optional(),
  sdh: z.boolean().optional(),
});

export interface ExtractedInput {
  path: string;
  language?: string;
  format?: SubtitleFormat;
  forced: boolean;
}

export const readOptions = (input: StageInput): SubtitlesOptions => parseOptions(SubtitlesOptions, input, 'subtitles');

/** The job's source language (ISO 639-1) when given; 'und' and other "unknown" tags count as not given. */
export const readSourceLanguage = (input: StageInput): string | undefined => languageCode(languageParam(input, 'sourceLanguage'));

/** The audio stream's tag, passed as a hint: ranks subtitles, never rejects them. */
export const readLanguageHint = (input: StageInput): string | undefined => languageCode(languageParam(input, 'sourceLanguageHint'));

export function readSpeech(input: StageInput): SpeechSegments | undefined {
  const vad = optionalDocument(SpeechSegments, input, 'vad', 'a SpeechSegments document');
  return vad && { ...vad, segments: [...vad.segments].sort((a, b) => a.start - b.start) };
}

export function readExtracted(input: StageInput): ExtractedInput | undefined {
  const sub = input.inputs.subtitles;
  if (!sub) return undefined;
  const path = sub.files?.subtitles;
  // An extraction stage that found no usable embedded stream returns no file.
  if (path === undefined) return undefined;
  if (typeof path !== 'string' || path === '') {
    throw new DubarrError('E_INVALID_ARGUMENT', 'inputs.subtitles must name its file as files.subtitles');
  }
  const r = ExtractedSubtitles.safeParse(sub.data ?? {});
  if (!r.success) throw new DubarrError('E_INVALID_ARGUMENT', `inputs.subtitles data: ${z.prettifyError(r.error)}`);
  return { path, language: languageCode(r.data.language), format: r.data.format, forced: !!r.data.forced };
}

export function readMediaPath(input: StageInput): string | undefined {
  const media = input.inputs.source?.files?.media;
  if (media !== undefined && (typeof media !== 'string' || media === '')) {
    throw new DubarrError('E_INVALID_ARGUMENT', 'inputs.source.files.media must be the path of the media file');
  }
  return media;
}
