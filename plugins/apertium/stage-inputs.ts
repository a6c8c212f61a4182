/** The translate stage's inputs, validated. */
import { DubarrError, lookupLanguage, parseOptions, requireDocument, Transcript, type StageInput } from '../sdk/index.js';
import { ApertiumOptions } from './options.js';

export const readOptions = (input: StageInput): ApertiumOptions => parseOptions(ApertiumOptions, input, 'apertium');

export const readUnits = (input: StageInput): Transcript =>
  requireDocument(Transcript, input, 'units', 'a Transcript of dubbing units', 'apertium:translate');

/** Source and target language tags as given (a region or variant may pick a mode variant). */
export function readLanguages(input: StageInput, units: Transcript): { source: string; target: string } {
  const source = input.params.sourceLanguage ?? units.language;
  const target = input.params.targetLanguage;
  if (typeof target !== 'string' || !target) {
    throw new DubarrError('E_INVALID_ARGUMENT', 'apertium:translate needs params.targetLanguage (an ISO 639-1 code such as \'es\')');
  }
  for (const [name, tag] of [['sourceLanguage', source], ['targetLanguage', target]] as const) {
    if (!lookupLanguage(tag)) throw new DubarrError('E_INVALID_ARGUMENT', `params.${name} '${tag}' is not an ISO 639 language code`);
  }
  return { source, target };
}
