/** The translate stage's inputs, validated. */
import { DubarrError, languageParam, knownLanguageTag, parseOptions, requireDocument, Transcript, type StageInput } from '../sdk/index.js';
import { ApertiumOptions } from './options.js';

export const readOptions = (input: StageInput): ApertiumOptions => parseOptions(ApertiumOptions, input, 'apertium');

export const readUnits = (input: StageInput): Transcript =>
  requireDocument(Transcript, input, 'units', 'a Transcript of dubbing units', 'apertium:translate');

/**
 * Source and target language tags as given (a region or variant may pick a mode variant).
 * The source is the job's (given or decided) language, else the units' own; 'und' and other
 * "unknown" tags count as none.
 */
export function readLanguages(input: StageInput, units: Transcript): { source: string; target: string } {
  const target = languageParam(input, 'targetLanguage');
  if (!target) {
    throw new DubarrError('E_INVALID_ARGUMENT', 'apertium:translate needs params.targetLanguage (an ISO 639-1 code such as \'es\')');
  }
  const source = languageParam(input, 'sourceLanguage') ?? knownLanguageTag(units.language);
  if (!source) {
    throw new DubarrError('E_LANGUAGE_UNKNOWN', 'apertium:translate does not know the language of the text to translate: neither params.sourceLanguage nor the units name one');
  }
  return { source, target };
}
