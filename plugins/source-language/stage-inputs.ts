/** The source-language stage's inputs, validated. */
import { z } from 'zod';
import {
  LanguageIdentification, languageCode, languageParam, optionalDocument, parseOptions, requireDocument, Transcript, type StageInput,
} from '../sdk/index.js';
import { SourceLanguageOptions } from './options.js';

export const readOptions = (input: StageInput): SourceLanguageOptions => parseOptions(SourceLanguageOptions, input, 'source-language');

export const readTranscript = (input: StageInput): Transcript =>
  requireDocument(Transcript, input, 'text', 'the source Transcript', 'source-language:decide');

/** An identify-language step that was skipped (no provider) leaves a null document: no evidence. */
export function readAudioIdentification(input: StageInput): LanguageIdentification | undefined {
  if (input.inputs.audio?.data === null) return undefined;
  return optionalDocument(LanguageIdentification, input, 'audio', 'a LanguageIdentification document');
}

/** The audio stream's tag: the extract step's `language`, else the hint the runtime passes. */
export function readAudioTag(input: StageInput): string | undefined {
  const r = z.object({ language: z.unknown().optional() }).safeParse(input.inputs.extract?.data ?? {});
  return languageCode(r.success ? r.data.language : undefined) ?? languageCode(languageParam(input, 'sourceLanguageHint'));
}

export const readGivenLanguage = (input: StageInput): string | undefined => languageCode(languageParam(input, 'sourceLanguage'));
