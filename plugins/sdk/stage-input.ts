/**
 * Validating what a stage is given. A bad option or upstream document becomes one coded
 * E_INVALID_ARGUMENT that names the plugin or input and says what is wrong, instead of a
 * crash further down.
 */
import { z } from 'zod';
import { DubarrError } from './errors.js';
import { isUnknownMarker, knownLanguageTag } from './languages.js';
import type { StageInput } from './plugin.js';

export function parseOptions<T>(schema: z.ZodType<T>, input: StageInput, plugin: string): T {
  const r = schema.safeParse(input.options ?? {});
  if (!r.success) throw new DubarrError('E_INVALID_ARGUMENT', `${plugin} options: ${z.prettifyError(r.error)}`);
  return r.data;
}

/** The document of input `name`, checked against its schema; undefined when the input is absent. */
export function optionalDocument<T>(schema: z.ZodType<T>, input: StageInput, name: string, what: string): T | undefined {
  const out = input.inputs[name];
  if (!out) return undefined;
  const r = schema.safeParse(out.data);
  if (!r.success) throw new DubarrError('E_INVALID_ARGUMENT', `inputs.${name} is not ${what}: ${z.prettifyError(r.error)}`);
  return r.data;
}

/** Like optionalDocument, for an input the stage cannot run without. */
export function requireDocument<T>(schema: z.ZodType<T>, input: StageInput, name: string, what: string, stage: string): T {
  if (!input.inputs[name]) throw new DubarrError('E_INVALID_ARGUMENT', `${stage} needs inputs.${name} (${what})`);
  return optionalDocument(schema, input, name, what)!;
}

/**
 * A language parameter as given ('pt-BR' kept for regional variants) when it names a language;
 * undefined when absent or when it says "unknown" ('und', '', 'zxx', ...), so a stage treats an
 * unknown language exactly like one not given. Anything else is a caller's mistake.
 */
export function languageParam(input: StageInput, name: 'sourceLanguage' | 'targetLanguage' | 'sourceLanguageHint'): string | undefined {
  const raw = input.params[name];
  if (raw === undefined || raw === null || (typeof raw === 'string' && isUnknownMarker(raw))) return undefined;
  const tag = knownLanguageTag(raw);
  if (!tag) throw new DubarrError('E_INVALID_ARGUMENT', `params.${name} '${String(raw)}' is not an ISO 639 language code; use e.g. 'en'`);
  return tag;
}
