import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../core/config/load.js';
import { renderConfig } from '../../core/config/print.js';
import { validatePluginOptions } from '../../core/plugin-host/plugin-options.js';
import deepl from '../../plugins/deepl/index.js';
import { apiBase } from '../../plugins/deepl/deepl-api.js';

const KEY = '5a1f0c2e-7d3b-4e8a-9c61-2b4d6f8a0e13:fx';

test('deepl options from env: the key and baseUrl reach the plugin, and config print masks the key', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'dubarr-deepl-config-'));
  try {
    const config = loadConfig({ cwd, env: {
      DUBARR_PLUGINS_OPTIONS_DEEPL__API_KEY: KEY,
      DUBARR_PLUGINS_OPTIONS_DEEPL__BASE_URL: 'http://127.0.0.1:8088',
      DUBARR_PLUGINS_OPTIONS_DEEPL__LINES_PER_REQUEST: '20',
    } });
    const { options, problems } = validatePluginOptions(deepl, config.plugins.options.deepl ?? {});
    assert.deepEqual(problems, []);
    const o = deepl.options.parse(options);
    assert.deepEqual([o.apiKey, o.baseUrl, o.linesPerRequest], [KEY, 'http://127.0.0.1:8088', 20]);
    assert.equal(apiBase(o), 'http://127.0.0.1:8088', 'baseUrl wins over the host the :fx key picks');
    assert.ok(!renderConfig(config).includes(KEY));
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('a bad deepl option is a problem that names the option, not the key', () => {
  const { problems } = validatePluginOptions(deepl, { apiKey: KEY, baseUrl: 'ftp://x', linesPerRequest: 80 });
  assert.deepEqual(problems.map((p) => p.path.join('.')).sort(), ['baseUrl', 'linesPerRequest']);
  assert.ok(!JSON.stringify(problems).includes(KEY));
});
