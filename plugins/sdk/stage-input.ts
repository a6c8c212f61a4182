/**
 * Validating what a stage is given. A bad option or upstream document becomes one coded
 * E_INVALID_ARGUMENT that names the plugin or input and says what is wrong, instead of a
 * crash further down.
 */
import { z } from 'zod';
import { DubarrError } from './errors.js';
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
