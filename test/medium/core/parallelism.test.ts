import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StagePool } from '../../../core/workers/stage-pool.js';
import { TEST_PLUGINS_DIR } from './harness.js';

const entry = `file://${join(TEST_PLUGINS_DIR, 'test-stages', 'parallelism.js')}`;

test('each worker stage is granted its share of the pool threads among the stages running when it starts', async () => {
  const pool = new StagePool({ threads: 4, idleTimeoutMs: 60_000, cancelGraceMs: 1000 });
  const workDir = await mkdtemp(join(tmpdir(), 'dubarr-parallelism-'));
  const running: Array<{ stop: AbortController; done: Promise<unknown> }> = [];
  /** Starts a stage; resolves with the parallelism it reports once it runs. */
  const start = () => new Promise<number>((granted) => {
    const stop = new AbortController();
    const done = pool.run({
      entry, input: { options: {}, params: {}, inputs: {} }, workDir, signal: stop.signal,
      cancelFlag: new Int32Array(new SharedArrayBuffer(4)),
      onProgress: (_f, note) => granted(Number(note)), onLog: () => undefined,
    }).catch((e: unknown) => e);
    running.push({ stop, done });
  });
  try {
    assert.equal(pool.share(), 4, 'a main-thread stage alone');
    assert.equal(await start(), 4, 'alone: every thread');
    assert.equal(pool.share(), 2, 'a main-thread stage beside one worker stage');
    assert.equal(await start(), 2);
    assert.equal(await start(), 1, 'three stages on four threads: one each, never a fraction');
    assert.equal(await start(), 1);
    const stopped = running.splice(0);
    for (const r of stopped) r.stop.abort();
    await Promise.all(stopped.map((r) => r.done));
    assert.equal(await start(), 4, 'finished stages give their share back');
  } finally {
    for (const r of running) r.stop.abort();
    await Promise.all(running.map((r) => r.done));
    await pool.close();
    await rm(workDir, { recursive: true, force: true });
  }
});
