import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { setOnnxDefaults } from '../../../plugins/sdk/onnx-session.js';
import { testRuntime } from './harness.js';

const evalPlugins = fileURLToPath(new URL('../../eval-plugins', import.meta.url));

test('models.executionProviders and models.threads are the ONNX providers\' option defaults; a provider\'s own options win', async (t) => {
  // Another runtime in this process (or none) must not be what the defaults come from.
  setOnnxDefaults({ executionProviders: ['cpu'], threads: 1 });
  const h = await testRuntime({}, {
    models: { executionProviders: ['cuda', 'cpu'], threads: 2 },
    plugins: { dirs: [evalPlugins] },
  });
  t.after(() => h.close());
  assert.deepEqual(h.rt.plugins.plugin('onnx-echo')!.options, { model: 'echo-3', executionProviders: ['cuda', 'cpu'], threads: 2 });
  assert.deepEqual(h.rt.plugins.optionsFor('onnx-echo', { threads: 4 }), { model: 'echo-3', executionProviders: ['cuda', 'cpu'], threads: 4 });
});
