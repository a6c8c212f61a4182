import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CONFIG_JSON_SCHEMA_FILE, configJsonSchemaPath, configJsonSchemaText, REGENERATE_COMMAND } from './json-schema.js';

test('schemas/json/config.schema.json is up to date with the zod schema', () => {
  let committed = '';
  try { committed = readFileSync(configJsonSchemaPath(), 'utf8'); } catch { /* missing counts as stale */ }
  assert.ok(committed === configJsonSchemaText(),
    `${CONFIG_JSON_SCHEMA_FILE} is stale: run \`npm run build && ${REGENERATE_COMMAND}\` and commit the result`);
});

test('the JSON Schema describes the file side: defaults, descriptions, no unknown keys', () => {
  const schema = JSON.parse(configJsonSchemaText()) as {
    additionalProperties: boolean;
    properties: Record<string, { properties?: Record<string, { default?: unknown; description?: string }> }>;
  };
  assert.equal(schema.additionalProperties, false);
  const server = schema.properties.server!.properties!;
  assert.equal(server.port!.default, 7878);
  assert.match(server.port!.description ?? '', /port/i);
  assert.equal(schema.properties.workers!.properties!.threads!.default, 'auto', 'machine-independent default');
});
