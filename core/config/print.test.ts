import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from './load.js';
import { renderConfig } from './print.js';

test('config print masks every non-empty secret and nothing else', () => {
  const config = loadConfig({ cwd: tmpdir(), env: {
    DUBARR_PLUGINS_OPTIONS_DEEPL__API_KEY: 'k-123',
    DUBARR_PLUGINS_OPTIONS_ELEVENLABS: '{apikey: abc, token: t0k, clientSecret: s, password: pw, voice: Rachel, apiKey: ""}',
  } });
  const text = renderConfig(config);
  for (const secret of ['k-123', 'abc', 't0k', 'pw']) assert.ok(!text.includes(secret), `${secret} leaked`);
  const printed = parse(text) as { plugins: { options: Record<string, Record<string, unknown>> }; server: { port: number } };
  assert.deepEqual(printed.plugins.options, {
    deepl: { apiKey: '********' },
    elevenlabs: { apikey: '********', token: '********', clientSecret: '********', password: '********', voice: 'Rachel', apiKey: '' },
  });
  assert.equal(printed.server.port, 7878);
});

test('the printed config is a valid config file that loads to the same config', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'dubarr-print-'));
  try {
    const config = loadConfig({ cwd, env: { DUBARR_PIPELINE_TARGET_LANGUAGES: 'es,ca', DUBARR_STAGES_CONCURRENCY_VAD: '4' } });
    writeFileSync(join(cwd, 'printed.yaml'), renderConfig(config));
    assert.deepEqual(loadConfig({ cwd, env: {}, file: 'printed.yaml' }), config);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
