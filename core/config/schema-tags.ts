import { z } from 'zod';

/*
 * Facts about config keys that the loader needs and zod has no word for. Kept in private
 * registries (not zod's global one) so they never leak into the generated JSON Schema.
 */

/**
 * Strings that name a file or folder: made absolute against the loader's cwd. A zod method
 * call returns a new schema that would lose the tag, so fsPath() takes its description and
 * wrappers (.default, .optional) go outside it.
 */
export const fsPathTag = z.registry();

/**
 * Record keys that are kebab-case names (capabilities, plugin names). An env suffix maps to
 * them as lower case with '_' -> '-' (SOURCE_TEXT -> 'source-text'); keys of other records
 * map to camelCase (API_KEY -> 'apiKey'), the way option objects spell their keys.
 */
export const kebabKeyTag = z.registry();

export function fsPath(description?: string) {
  const s = description === undefined ? z.string() : z.string().describe(description);
  fsPathTag.add(s);
  return s;
}

const KEBAB_NAME = /^[a-z0-9][a-z0-9._-]*$/;

export function kebabName(what: string) {
  const s = z.string().regex(KEBAB_NAME, `${what} must be lower-case kebab-case, e.g. 'source-text'`);
  kebabKeyTag.add(s);
  return s;
}
