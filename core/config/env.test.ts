import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { envName, envTargets, parseEnvValue } from './env.js';
import { configSchema } from './schema.js';

test('env names are DUBARR_ + the key path in upper snake case', () => {
  assert.equal(envName(['server', 'port']), 'DUBARR_SERVER_PORT');
  assert.equal(envName(['dataDir']), 'DUBARR_DATA_DIR');
  assert.equal(envName(['pipeline', 'targetLanguages']), 'DUBARR_PIPELINE_TARGET_LANGUAGES');
  assert.equal(envName(['cache', 'maxSizeGb']), 'DUBARR_CACHE_MAX_SIZE_GB');
  assert.equal(envName(['stages', 'concurrency', 'source-text']), 'DUBARR_STAGES_CONCURRENCY_SOURCE_TEXT');
  const names = envTargets(configSchema).map((t) => t.name);
  for (const n of ['DUBARR_SERVER_PORT', 'DUBARR_WORKERS_THREADS', 'DUBARR_PIPELINE_TARGET_LANGUAGES', 'DUBARR_DATA_DIR',
    'DUBARR_STAGES_BACKOFF_BASE_MS', 'DUBARR_JOBS_KEEP_WORK_DIR_ON_FAILURE', 'DUBARR_WATCH_FOLDERS']) {
    assert.ok(names.includes(n), `${n} is derived from the schema`);
  }
});

test('no two keys share an env name, and no key hides inside a map prefix', () => {
  const targets = envTargets(configSchema);
  assert.equal(new Set(targets.map((t) => t.name)).size, targets.length);
  for (const record of targets.filter((t) => t.kind === 'record')) {
    const shadowed = targets.filter((t) => t !== record && t.name.startsWith(`${record.name}_`));
    assert.deepEqual(shadowed.map((t) => t.name), [], `${record.name}_* would be ambiguous`);
  }
});

test('values parse by the type of their key', () => {
  assert.equal(parseEnvValue('0777', z.string()), '0777');
  assert.equal(parseEnvValue('8', z.int()), 8);
  assert.equal(parseEnvValue('true', z.boolean()), true);
  assert.deepEqual(parseEnvValue('es, ca', z.array(z.string())), ['es', 'ca']);
  assert.deepEqual(parseEnvValue('[es, "a,b"]', z.array(z.string())), ['es', 'a,b']);
  assert.deepEqual(parseEnvValue('1,2', z.array(z.int())), [1, 2]);
  assert.deepEqual(parseEnvValue('', z.array(z.string())), []);
  assert.deepEqual(parseEnvValue('{a: 1}', z.record(z.string(), z.int())), { a: 1 });
  // Untyped (plugin options): numbers only when the text reads back the same.
  assert.equal(parseEnvValue('160', z.unknown()), 160);
  assert.equal(parseEnvValue('1e5', z.unknown()), '1e5');
  assert.equal(parseEnvValue('', z.unknown()), '');
  assert.throws(() => parseEnvValue('{a: 1', z.int()));
});
