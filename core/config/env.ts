import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { closestMatch } from './did-you-mean.js';
import { formatKeyPath, type ConfigProblem } from './problems.js';
import { renamedEnvMessage } from './renamed-keys.js';
import { kebabKeyTag } from './schema-tags.js';
import { acceptsOnlyText, arrayElement, defOf, recordParts, schemaLeaves, unwrap } from './schema-walk.js';

/*
 * DUBARR_* environment variables, derived from the schema.
 *
 * Naming: a key's path, each segment in upper snake case, joined by '_' after DUBARR_:
 *   server.port -> DUBARR_SERVER_PORT, pipeline.targetLanguages -> DUBARR_PIPELINE_TARGET_LANGUAGES.
 * Records (maps whose keys are the user's): the record's own name sets the whole map as YAML
 * ('{transcribe: 2}', merged into the map), and a suffix sets one entry:
 *   DUBARR_STAGES_CONCURRENCY_SOURCE_TEXT=2 -> stages.concurrency['source-text'] = 2.
 *   Keys that are names (capabilities, plugins) read the suffix as kebab-case; other keys
 *   (plugin options) as camelCase. In a record of records, '__' separates the levels:
 *   DUBARR_PLUGINS_OPTIONS_ESPEAK_NG__RATE=160 -> plugins.options['espeak-ng'].rate = 160.
 * Values: text keys take the value verbatim; lists take '[a, b]' (YAML) or 'a,b'; everything
 * else is read as a YAML scalar or flow collection ('8' -> 8, 'true' -> true, '{a: 1}');
 * untyped plugin options only become a number/boolean when the text reads back unchanged.
 */

type Schema = z.core.$ZodType;

export const ENV_PREFIX = 'DUBARR_';
/** Names the config file; the one DUBARR_ variable that is not a config key. */
export const CONFIG_FILE_ENV = 'DUBARR_CONFIG';

export function envSegment(segment: string): string {
  return segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}

export function envName(path: readonly string[]): string {
  return ENV_PREFIX + path.map(envSegment).join('_');
}

export interface EnvTarget {
  name: string;
  path: string[];
  schema: Schema;
  kind: 'value' | 'record';
}

export function envTargets(schema: Schema): EnvTarget[] {
  return schemaLeaves(schema).map((l) => ({ name: envName(l.path), path: l.path, schema: l.schema, kind: l.kind }));
}

/** One variable's contribution: a value for one key path. */
export interface EnvAssignment {
  name: string;
  path: string[];
  value: unknown;
}

export function readEnv(env: NodeJS.ProcessEnv, schema: Schema): { assignments: EnvAssignment[]; problems: ConfigProblem[] } {
  const targets = envTargets(schema);
  const exact = new Map(targets.map((t) => [t.name, t]));
  // Longest first: when one record's name begins another's, the longer one is meant.
  const records = targets.filter((t) => t.kind === 'record').sort((a, b) => b.name.length - a.name.length);
  const assignments: EnvAssignment[] = [];
  const problems: ConfigProblem[] = [];

  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || name === CONFIG_FILE_ENV || raw === undefined) continue;
    const source = `env ${name}`;
    const target = exact.get(name) ?? recordEntryFor(name, records);
    if (!target) {
      const hint = closestMatch(name, [...exact.keys(), CONFIG_FILE_ENV]);
      problems.push({ path: name, source,
        message: renamedEnvMessage(name) ?? `unknown variable${hint ? ` (did you mean ${hint}?)` : ''}; every DUBARR_ variable must name a config key` });
      continue;
    }
    try {
      assignments.push({ name, path: target.path, value: parseEnvValue(raw, target.schema) });
    } catch (e) {
      problems.push({ path: formatKeyPath(target.path), source,
        message: `cannot read the value as YAML: ${(e as Error).message.split('\n')[0]}` });
    }
  }
  // Whole maps first, then single entries, so 'DUBARR_X_Y' refines 'DUBARR_X' whatever the order.
  assignments.sort((a, b) => a.path.length - b.path.length || a.name.localeCompare(b.name));
  return { assignments, problems };
}

function recordEntryFor(name: string, records: EnvTarget[]): { path: string[]; schema: Schema } | undefined {
  const record = records.find((t) => name.startsWith(`${t.name}_`));
  return record && recordEntry(record, name.slice(record.name.length + 1));
}

/** Maps the part after a record's name to an entry path; undefined when it does not fit. */
function recordEntry(record: EnvTarget, suffix: string): { path: string[]; schema: Schema } | undefined {
  const path = [...record.path];
  let schema = record.schema;
  for (const part of suffix.split('__')) {
    const parts = recordParts(schema);
    if (!parts || !/^[A-Z0-9]+(_[A-Z0-9]+)*$/.test(part)) return undefined;
    path.push(recordKey(part, parts.key));
    schema = parts.value;
  }
  return { path, schema };
}

function recordKey(envPart: string, keySchema: Schema): string {
  const lower = envPart.toLowerCase();
  return kebabKeyTag.has(keySchema) ? lower.replaceAll('_', '-') : lower.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function parseEnvValue(raw: string, schema: Schema): unknown {
  if (acceptsOnlyText(schema)) return raw;
  const element = arrayElement(schema);
  if (element && !raw.trimStart().startsWith('[')) {
    return raw.trim() === '' ? [] : raw.split(',').map((item) => parseEnvValue(item.trim(), element));
  }
  const parsed = parseYaml(raw) as unknown;
  // Plugin options have no type here (each plugin checks its own): keep a scalar as text
  // unless it reads back exactly, so an API key like '0123' or '1e5' is not turned into a number.
  if (isUnknown(schema) && typeof parsed !== 'string' && (parsed === null || typeof parsed !== 'object') && String(parsed) !== raw.trim()) {
    return raw;
  }
  return parsed;
}

function isUnknown(schema: Schema): boolean {
  const t = defOf(unwrap(schema)).type;
  return t === 'unknown' || t === 'any';
}

