import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { closestMatch } from './did-you-mean.js';
import { CONFIG_FILE_ENV, parseEnvValue, readEnv } from './env.js';
import { deepFreeze } from './freeze.js';
import { isPlainObject, LayeredValue } from './layers.js';
import { configError, formatKeyPath, type ConfigProblem } from './problems.js';
import { renamedKeyMessage } from './renamed-keys.js';
import { resolvePaths } from './resolve-paths.js';
import { configSchema, defaultConfig, type Config, type DeepPartial } from './schema.js';
import { objectShape, schemaAt } from './schema-walk.js';
import { isSecretKey, maskSecrets } from './secret-keys.js';

/** Read when no file is named, from the working directory, if it exists. */
export const DEFAULT_CONFIG_FILE = 'dubarr.yaml';

export interface LoadConfigOptions {
  /** Config file; an error if it does not exist. Else DUBARR_CONFIG, else ./dubarr.yaml if present. */
  file?: string;
  /** Defaults to process.env; the rest of dubarr never reads process.env itself. */
  env?: NodeJS.ProcessEnv;
  /** Applied last, e.g. from CLI flags; undefined values are ignored. */
  overrides?: DeepPartial<Config>;
  /**
   * Command-line flags that set a config key, as the text typed: read like DUBARR_* values and
   * validated with everything else, so `--port abc` is listed as a problem of server.port
   * coming from the flag. Undefined values (flag not given) are ignored.
   */
  flags?: readonly ConfigFlag[];
  /** Relative paths (file, dataDir, ...) resolve against this; defaults to process.cwd(). */
  cwd?: string;
}

export interface ConfigFlag {
  /** As the user typed it, for messages: '--port'. */
  flag: string;
  path: readonly string[];
  value: string | undefined;
}

export interface LoadedConfig {
  config: Config;
  /** The config file that was read, if any. */
  file: string | undefined;
}

/**
 * Defaults -> YAML file -> DUBARR_* variables -> overrides, validated once. Throws one
 * E_CONFIG_INVALID error listing every problem; the result is absolute-pathed and frozen.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  return loadConfigWithFile(options).config;
}

export function loadConfigWithFile(options: LoadConfigOptions = {}): LoadedConfig {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const layers = new LayeredValue();
  const problems: ConfigProblem[] = [];

  layers.apply(defaultConfig(), 'default');
  // Production deployments get no in-browser query editor unless they ask for one.
  if (env.NODE_ENV === 'production') layers.apply({ server: { graphiql: false } }, 'env NODE_ENV=production');
  // Hugging Face's own variables, read as its tools read them; a config file or DUBARR_* wins.
  if (env.HF_ENDPOINT) layers.apply(env.HF_ENDPOINT, 'env HF_ENDPOINT', ['models', 'hfEndpoint']);
  if (env.HF_TOKEN) layers.apply(env.HF_TOKEN, 'env HF_TOKEN', ['models', 'hfToken']);

  const file = chooseFile(options.file, env, cwd, problems);
  if (file) {
    const content = readConfigFile(file, problems);
    if (content !== undefined) layers.apply(content, `file ${file}`);
  }

  const fromEnv = readEnv(env, configSchema);
  problems.push(...fromEnv.problems);
  for (const a of fromEnv.assignments) layers.apply(a.value, `env ${a.name}`, a.path);

  if (options.overrides) layers.apply(options.overrides, 'override');
  for (const f of options.flags ?? []) applyFlag(f, layers, problems);

  const parsed = configSchema.safeParse(layers.value);
  if (!parsed.success) problems.push(...parsed.error.issues.flatMap((i) => issueProblems(i, layers)));
  if (problems.length > 0 || !parsed.success) throw configError(problems);

  return { config: deepFreeze(resolvePaths(configSchema, parsed.data, cwd)), file };
}

function applyFlag(f: ConfigFlag, layers: LayeredValue, problems: ConfigProblem[]): void {
  if (f.value === undefined) return;
  const schema = schemaAt(configSchema, f.path);
  if (!schema) throw new Error(`flag ${f.flag} names no config key: ${f.path.join('.')}`);
  try {
    layers.apply(parseEnvValue(f.value, schema), `flag ${f.flag}`, f.path);
  } catch (e) {
    problems.push({ path: formatKeyPath(f.path), source: `flag ${f.flag}`, message: `cannot read the value: ${(e as Error).message.split('\n')[0]}` });
  }
}

function chooseFile(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string, problems: ConfigProblem[]): string | undefined {
  const named = explicit || env[CONFIG_FILE_ENV] || undefined;
  if (named) {
    const file = resolve(cwd, named);
    if (existsSync(file)) return file;
    problems.push({ path: file, message: 'config file not found',
      source: explicit ? 'the file option (--config)' : `env ${CONFIG_FILE_ENV}` });
    return undefined;
  }
  const fallback = join(cwd, DEFAULT_CONFIG_FILE);
  return existsSync(fallback) ? fallback : undefined;
}

function readConfigFile(file: string, problems: ConfigProblem[]): unknown {
  const source = `file ${file}`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    problems.push({ path: file, message: `cannot read: ${(e as Error).message}`, source });
    return undefined;
  }
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const at = e.linePos?.[0];
      problems.push({ path: at ? `${file}:${at.line}:${at.col}` : file, message: e.message.split('\n')[0]!, source });
    }
    return undefined;
  }
  const content = doc.toJS() as unknown;
  if (content === null || content === undefined) return undefined; // an empty file configures nothing
  if (!isPlainObject(content)) {
    problems.push({ path: file, message: 'the file must hold a YAML mapping of config keys', source });
    return undefined;
  }
  return content;
}

function issueProblems(issue: z.core.$ZodIssue, layers: LayeredValue): ConfigProblem[] {
  if (issue.code === 'unrecognized_keys') {
    const known = Object.keys(objectShape(schemaAt(configSchema, issue.path) ?? configSchema) ?? {});
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      const hint = closestMatch(key, known);
      const message = renamedKeyMessage(path) ?? `unknown key${hint ? ` (did you mean '${hint}'?)` : ''}`;
      return { path: formatKeyPath(path), message, source: layers.sourceOf(path) };
    });
  }
  return [{
    path: formatKeyPath(issue.path) || '(top level)',
    message: issue.message + shownValue(issue.path, layers.rawAt(issue.path)),
    source: layers.sourceOf(issue.path),
  }];
}

/** The offending value, when it is short and not a secret, so the user sees what was read. */
function shownValue(path: readonly PropertyKey[], value: unknown): string {
  if (value === undefined || path.some(isSecretKey)) return '';
  // A URL's user:password (refused in mediaServers[].url, so shown in that very problem) is masked too.
  const text = JSON.stringify(maskSecrets(value))?.replace(/(\/\/)[^/@\s"]*@/g, '$1****@');
  return text !== undefined && text.length <= 60 ? `; got ${text}` : '';
}
