/** The synthesize stage's inputs, validated. */
import { parseOptions, type StageInput, type Translation } from '../sdk/index.js';
import { readTargetLanguage, readTranslation as readTranslationOf } from '../sdk/synthesis-units.js';
import { EspeakOptions } from './options.js';

export const readOptions = (input: StageInput): EspeakOptions => parseOptions(EspeakOptions, input, 'espeak-ng');
export const readTranslation = (input: StageInput): Translation => readTranslationOf(input, 'espeak-ng:synthesize');
export { readTargetLanguage };
