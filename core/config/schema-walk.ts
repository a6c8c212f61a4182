import type { z } from 'zod';

/*
 * Reads the shape of the config schema, so env names, path resolution and the documentation
 * test are all derived from it instead of from hand-kept lists.
 */

type Schema = z.core.$ZodType;
type AnyDef = { type: string; innerType?: Schema; in?: Schema; out?: Schema; shape?: Record<string, Schema>;
  element?: Schema; keyType?: Schema; valueType?: Schema; options?: readonly Schema[];
  entries?: Record<string, unknown>; values?: unknown[] };

export function defOf(s: Schema): AnyDef {
  return s._zod.def as unknown as AnyDef;
}

/** Peels defaults, optionals and input-side pipes off to the schema that does the checking. */
export function unwrap(s: Schema): Schema {
  for (;;) {
    const d = defOf(s);
    if (d.innerType && ['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch', 'nonoptional'].includes(d.type)) s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else return s;
  }
}

export function objectShape(s: Schema): Record<string, Schema> | undefined {
  const d = defOf(unwrap(s));
  return d.type === 'object' ? d.shape : undefined;
}

export interface RecordParts { key: Schema; value: Schema }

export function recordParts(s: Schema): RecordParts | undefined {
  const d = defOf(unwrap(s));
  return d.type === 'record' && d.keyType && d.valueType ? { key: d.keyType, value: d.valueType } : undefined;
}

export function arrayElement(s: Schema): Schema | undefined {
  const d = defOf(unwrap(s));
  return d.type === 'array' ? d.element : undefined;
}

/** True when every value the schema accepts is a string, so an env value is taken verbatim. */
export function acceptsOnlyText(s: Schema): boolean {
  const d = defOf(unwrap(s));
  switch (d.type) {
    case 'string': return true;
    case 'enum': return Object.values(d.entries ?? {}).every((v) => typeof v === 'string');
    case 'literal': return (d.values ?? []).every((v) => typeof v === 'string');
    case 'union': return (d.options ?? []).every(acceptsOnlyText);
    default: return false;
  }
}

export interface SchemaLeaf {
  path: string[];
  /** The leaf as declared (with its default and description). */
  schema: Schema;
  /** Records are leaves whose keys are the user's to choose. */
  kind: 'value' | 'record';
}

/** Every key of the config that holds a value: objects are walked into, everything else is a leaf. */
export function schemaLeaves(s: Schema, path: string[] = []): SchemaLeaf[] {
  const shape = objectShape(s);
  if (shape) return Object.entries(shape).flatMap(([k, v]) => schemaLeaves(v, [...path, k]));
  return [{ path, schema: s, kind: recordParts(s) ? 'record' : 'value' }];
}

/** The schema found by following a path of object keys, record keys and array indices. */
export function schemaAt(s: Schema, path: readonly PropertyKey[]): Schema | undefined {
  let cur: Schema | undefined = s;
  for (const seg of path) {
    if (!cur) return undefined;
    const shape = objectShape(cur);
    if (shape) { cur = Object.hasOwn(shape, String(seg)) ? shape[String(seg)] : undefined; continue; }
    cur = recordParts(cur)?.value ?? arrayElement(cur);
  }
  return cur;
}

export function describedAs(s: Schema): string | undefined {
  return (s as unknown as { description?: string }).description;
}
