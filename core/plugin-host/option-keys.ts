/**
 * Plugin option keys the plugin does not have. A plugin's options schema is usually a plain
 * z.object, which drops keys it does not know: a misspelt or removed option would be ignored
 * without a word, and the user would lose the behaviour they asked for. The host reports them
 * instead, each with the closest known key or, for an option the plugin retired, what replaced it.
 */
import type { z } from 'zod';
import { closestMatch } from '../config/did-you-mean.js';
import { isPlainObject } from '../config/layers.js';
import { arrayElement, objectShape, recordParts } from '../config/schema-walk.js';

type Schema = z.core.$ZodType;

export interface OptionKeyProblem {
  /** Key path inside the plugin's options (numbers are list positions). */
  path: PropertyKey[];
  message: string;
}

/**
 * Keys of `given` that `schema` does not declare, at any depth of nested objects. A schema that
 * is not zod's (an external plugin may hand-write safeParse) cannot be read: nothing is reported.
 * `retired` (top-level key -> what replaced it) turns "unknown" into the advice to follow.
 */
export function unknownOptionKeys(schema: unknown, given: unknown, retired: Readonly<Record<string, string>> = {}): OptionKeyProblem[] {
  if (!isZodSchema(schema)) return [];
  const problems: OptionKeyProblem[] = [];
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

function isZodSchema(s: unknown): s is Schema {
  return typeof (s as { _zod?: { def?: unknown } } | null)?._zod?.def === 'object';
}
