/** The synthesize stage's inputs, validated. */
import { DubarrError, knownLanguageTag, languageParam, parseOptions, requireDocument, Translation, type StageInput } from '../sdk/index.js';
import { EspeakOptions } from './options.js';

export const readOptions = (input: StageInput): EspeakOptions => parseOptions(EspeakOptions, input, 'espeak-ng');

export function readTranslation(input: StageInput): Translation {
  const t = requireDocument(Translation, input, 'translation', 'a Translation', 'espeak-ng:synthesize');
  const ids = t.segments.map((s) => s.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  // Unit ids name the output files, so they must be unique.
  if (dup !== undefined) throw new DubarrError('E_INVALID_ARGUMENT', `inputs.translation has segment id '${dup}' more than once`);
  return t;
}

/** The language to speak, as given (a region such as 'pt-BR' may pick a regional voice). */
export function readTargetLanguage(input: StageInput, translation: Translation): string {
  const tag = languageParam(input, 'targetLanguage') ?? knownLanguageTag(translation.targetLanguage);
  if (!tag) throw new DubarrError('E_INVALID_ARGUMENT', `targetLanguage '${translation.targetLanguage}' is not an ISO 639 language code`);
  return tag;
}
