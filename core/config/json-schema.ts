import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { repoRoot } from './repo-root.js';
import { configSchema } from './schema.js';

/*
 * JSON Schema of the config file, for editors (yaml-language-server) and other tools.
 * Generated from the zod schema; a test fails when the committed copy is stale.
 */

export const CONFIG_JSON_SCHEMA_FILE = join('schemas', 'json', 'config.schema.json');
export const REGENERATE_COMMAND = 'node dist/core/config/json-schema.js --write';

export function configJsonSchemaText(): string {
  // 'input': the file's side of the schema, where 'auto' and omitted keys are allowed.
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify(schema, null, 2)}\n`;
}

export function configJsonSchemaPath(root = repoRoot()): string {
  return join(root, CONFIG_JSON_SCHEMA_FILE);
}

export function isConfigJsonSchemaCurrent(root = repoRoot()): boolean {
  try {
    return readFileSync(configJsonSchemaPath(root), 'utf8') === configJsonSchemaText();
  } catch {
    return false;
  }
}

export function writeConfigJsonSchema(root = repoRoot()): string {
  const file = configJsonSchemaPath(root);
  writeFileSync(file, configJsonSchemaText());
  return file;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--write')) {
    console.error(`wrote ${writeConfigJsonSchema()}`);
  } else if (process.argv.includes('--check')) {
    if (!isConfigJsonSchemaCurrent()) {
      console.error(`${CONFIG_JSON_SCHEMA_FILE} is stale; run: ${REGENERATE_COMMAND}`);
      process.exit(1);
    }
  } else {
    process.stdout.write(configJsonSchemaText());
  }
}
