import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StagePool } from '../../../core/workers/stage-pool.js';
import { TEST_PLUGINS_DIR } from './harness.js';

const entry = `file://${join(TEST_PLUGINS_DIR, 'test-stages', 'provider-cache-dir.js')}`;

test('worker threads keep cloud results in the provider cache folder the runtime gave the pool', async () => {
  const pool = new StagePool({ threads: 1, idleTimeoutMs: 60_000, cancelGraceMs: 1000, providerCacheDir: '/srv/dubarr-test/provider-cache' });
  const workDir = await mkdtemp(join(tmpdir(), 'dubarr-provider-cache-'));
  try {
    const result = await pool.run({
      entry, input: { options: {}, params: {}, inputs: {} }, workDir, signal: new AbortController().signal,
      cancelFlag: new Int32Array(new SharedArrayBuffer(4)), onProgress: () => undefined, onLog: () => undefined,
    });
    assert.deepEqual(result.data, { dir: '/srv/dubarr-test/provider-cache' });
  } finally {
    await pool.close();
    await rm(workDir, { recursive: true, force: true });
  }
});
