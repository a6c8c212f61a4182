/** The synthesize stage's inputs, validated. */
import { z } from 'zod';
import { DubarrError, lookupLanguage, Translation, type StageInput } from '../sdk/index.js';
import { EspeakOptions } from './options.js';

export function readOptions(input: StageInput): EspeakOptions {
  const r = EspeakOptions.safeParse(input.options ?? {});
  if (!r.success) throw new DubarrError('E_INVALID_ARGUMENT', `espeak-ng options: ${z.prettifyError(r.error)}`);
  return r.data;
}

export function readTranslation(input: StageInput): Translation {
  const t = input.inputs.translation;
  if (!t) throw new DubarrError('E_INVALID_ARGUMENT', 'espeak-ng:synthesize needs inputs.translation (a Translation)');
  const r = Translation.safeParse(t.data);
  if (!r.success) throw new DubarrError('E_INVALID_ARGUMENT', `inputs.translation is not a Translation: ${z.prettifyError(r.error)}`);
  const ids = r.data.segments.map((s) => s.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  // Unit ids name the output files, so they must be unique.
  if (dup !== undefined) throw new DubarrError('E_INVALID_ARGUMENT', `inputs.translation has segment id '${dup}' more than once`);
  return r.data;
}

/** The language to speak, as given (a region such as 'pt-BR' may pick a regional voice). */
export function readTargetLanguage(input: StageInput, translation: Translation): string {
  const tag = input.params.targetLanguage ?? translation.targetLanguage;
  if (!lookupLanguage(tag)) throw new DubarrError('E_INVALID_ARGUMENT', `targetLanguage '${tag}' is not an ISO 639 language code`);
  return tag;
}
