/**
 * A plugin's options (configured, or a job's overrides) validated: by the plugin's schema, and
 * for keys it does not declare. A plugin's schema is usually a plain z.object, which drops keys
 * it does not know: a misspelt or removed option would be ignored without a word, and the user
 * would lose the behaviour they asked for. Each is reported with the closest known key or, for an
 * option the plugin retired, what replaced it.
 */
import type { z } from 'zod';
import type { PluginDefinition } from '../../plugins/sdk/plugin.js';
import { closestMatch } from '../config/did-you-mean.js';
import { isPlainObject } from '../config/layers.js';
import { arrayElement, objectShape, recordParts } from '../config/schema-walk.js';

type Schema = z.core.$ZodType;

export interface OptionProblem {
  /** Key path inside the plugin's options (numbers are list positions). */
  path: PropertyKey[];
  message: string;
}

/**
 * Keys of `given` that `schema` does not declare, at any depth of nested objects. A schema that
 * is not zod's (an external plugin may hand-write safeParse) cannot be read: nothing is reported.
 * `retired` (top-level key -> what replaced it) turns "unknown" into the advice to follow.
 */
export function unknownOptionKeys(schema: unknown, given: unknown, retired: Readonly<Record<string, string>> = {}): OptionProblem[] {
  if (!isZodSchema(schema)) return [];
  const problems: OptionProblem[] = [];
  const walk = (s: Schema, value: unknown, path: PropertyKey[]): void => {
    const shape = objectShape(s);
    if (shape && isPlainObject(value)) {
      for (const [key, v] of Object.entries(value)) {
        if (Object.hasOwn(shape, key)) { walk(shape[key]!, v, [...path, key]); continue; }
        const replaced = path.length === 0 ? retired[key] : undefined;
        const hint = closestMatch(key, Object.keys(shape));
        problems.push({
          path: [...path, key],
          message: replaced ? `no longer an option: ${replaced}` : `unknown option${hint ? ` (did you mean '${hint}'?)` : ''}`,
        });
      }
      return;
    }
    const values = recordParts(s)?.value;
    if (values && isPlainObject(value)) for (const [key, v] of Object.entries(value)) walk(values, v, [...path, key]);
    const element = arrayElement(s);
    if (element && Array.isArray(value)) value.forEach((v, i) => walk(element, v, [...path, i]));
  };
  walk(schema, given, []);
  return problems;
}

/** The options as the plugin's schema parses them (when valid), and every problem with them. */
export function validatePluginOptions(def: Pick<PluginDefinition<object>, 'options' | 'retiredOptions'>, given: object): { options: object; problems: OptionProblem[] } {
  const parsed = def.options.safeParse(given);
  // A strict schema's own 'unrecognized keys' are reported below, one per key with its hint.
  const issues = parsed.success ? [] : parsed.error.issues.filter((i) => i.code !== 'unrecognized_keys');
  const problems: OptionProblem[] = issues.map((i) => ({ path: i.path, message: i.message }));
  problems.push(...unknownOptionKeys(def.options, given, def.retiredOptions));
  return { options: parsed.data ?? {}, problems };
}

function isZodSchema(s: unknown): s is Schema {
  return typeof (s as { _zod?: { def?: unknown } } | null)?._zod?.def === 'object';
}
