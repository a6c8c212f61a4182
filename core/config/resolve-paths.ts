import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { z } from 'zod';
import { fsPathTag } from './schema-tags.js';
import { arrayElement, defOf, objectShape, recordParts } from './schema-walk.js';

type Schema = z.core.$ZodType;

/**
 * Makes every path key absolute (against `cwd`, with '~' as the home folder, which YAML does
 * not expand the way a shell would) and fills in the paths that default to a place inside
 * dataDir. '' stays '' where it means "not set" (pipeline.outDir: next to the source).
 */
export function resolvePaths<T extends { dataDir: string; database: { path: string }; cache: { dir: string }; models: { dir: string } }>(
  schema: Schema, config: T, cwd: string,
): T {
  const resolved = resolveWalk(schema, config, cwd) as T;
  // resolveWalk returned fresh objects, so filling these in touches nothing shared.
  if (resolved.database.path === '') resolved.database.path = join(resolved.dataDir, 'dubarr.db');
  if (resolved.cache.dir === '') resolved.cache.dir = join(resolved.dataDir, 'cache');
  if (resolved.models.dir === '') resolved.models.dir = join(resolved.dataDir, 'models');
  return resolved;
}

function resolveWalk(schema: Schema, value: unknown, cwd: string): unknown {
  if (typeof value === 'string') return isPathSchema(schema) && value !== '' ? absolute(value, cwd) : value;
  if (Array.isArray(value)) {
    const element = arrayElement(schema);
    return element ? value.map((v) => resolveWalk(element, v, cwd)) : value;
  }
  if (value === null || typeof value !== 'object') return value;
  const shape = objectShape(schema);
  const recordValue = recordParts(schema)?.value;
  // A new object, not an in-place edit: zod may hand back the (frozen) default objects it was given.
  return Object.fromEntries(Object.entries(value).map(([key, v]) => {
    const child = shape ? shape[key] : recordValue;
    return [key, child ? resolveWalk(child, v, cwd) : v];
  }));
}

function isPathSchema(s: Schema): boolean {
  for (let cur: Schema | undefined = s; cur; cur = defOf(cur).innerType) {
    if (fsPathTag.has(cur)) return true;
  }
  return false;
}

function absolute(p: string, cwd: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return join(homedir(), p.slice(2));
  return isAbsolute(p) ? resolve(p) : resolve(cwd, p);
}
