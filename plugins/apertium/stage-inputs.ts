/** The translate stage's inputs, validated. */
import { z } from 'zod';
import { DubarrError, lookupLanguage, Transcript, type StageInput } from '../sdk/index.js';
import { ApertiumOptions } from './options.js';

export function readOptions(input: StageInput): ApertiumOptions {
  const r = ApertiumOptions.safeParse(input.options ?? {});
  if (!r.success) throw new DubarrError('E_INVALID_ARGUMENT', `apertium options: ${z.prettifyError(r.error)}`);
  return r.data;
}

export function readUnits(input: StageInput): Transcript {
  const u = input.inputs.units;
  if (!u) throw new DubarrError('E_INVALID_ARGUMENT', 'apertium:translate needs inputs.units (a Transcript of dubbing units)');
  const r = Transcript.safeParse(u.data);
  if (!r.success) throw new DubarrError('E_INVALID_ARGUMENT', `inputs.units is not a Transcript: ${z.prettifyError(r.error)}`);
  return r.data;
}

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
