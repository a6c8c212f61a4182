import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { getPriority } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StagePool } from '../../../core/workers/stage-pool.js';
import { STAGE_THREAD_NICE } from '../../../core/workers/stage-priority.js';
import { TEST_PLUGINS_DIR } from './harness.js';

const entry = `file://${join(TEST_PLUGINS_DIR, 'test-stages', 'priority.js')}`;

test('worker stages, and the engines they start, run at a lower CPU priority than the server\'s thread', { skip: process.platform !== 'linux' && 'nice values per thread are Linux\'s' }, async () => {
  const before = getPriority();
  const pool = new StagePool({ threads: 2, idleTimeoutMs: 60_000, cancelGraceMs: 1000 });
  const workDir = await mkdtemp(join(tmpdir(), 'dubarr-priority-'));
  try {
    const result = await pool.run({
      entry, input: { options: {}, params: {}, inputs: {} }, workDir, signal: new AbortController().signal,
      cancelFlag: new Int32Array(new SharedArrayBuffer(4)), onProgress: () => undefined, onLog: () => undefined,
    });
    const expected = Math.max(STAGE_THREAD_NICE, before);
    assert.deepEqual(result.data, { self: expected, child: expected });
    assert.equal(getPriority(), before, 'the calling (main) thread keeps its priority');
  } finally {
    await pool.close();
    await rm(workDir, { recursive: true, force: true });
  }
});
