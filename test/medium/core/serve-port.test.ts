/**
 * `serve` owns its port before it takes jobs: a second server on a busy port exits non-zero
 * with E_PORT_IN_USE having claimed nothing; `--port` is validated with the rest of the config.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { exited, poll, workspace } from './cli-harness.js';

const listen = (s: Server) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));

test('serve on a busy port: exit 1 with E_PORT_IN_USE naming the port; the queued job is not claimed', async () => {
  const w = await workspace('busy-port', { extraConfig: ['server: { host: 127.0.0.1 }'] });
  const other = createServer();
  const port = await listen(other);
  const s = w.store();
  try {
    const queued = s.createJob({ input: w.input, preset: 'chain', targetLanguages: [], origin: 'cli' });
    const r = await w.run('serve', '--port', String(port));
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, new RegExp(`^error E_PORT_IN_USE: Port ${port} is already in use`, 'm'));
    assert.match(r.err, /hint: Another program \(perhaps another dubarr server\) listens on this port/);
    assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace: a handled, coded error');
    const after = s.getJob(queued.id);
    assert.deepEqual([after.status, after.owner, after.attempts], ['queued', undefined, 0], 'nothing was claimed');
    assert.deepEqual(s.stageRuns(queued.id), []);
    assert.deepEqual(await w.runs(), [], 'no stage ran');

    // The same server takes the job once the port is free.
    await new Promise<void>((r2) => other.close(() => r2()));
    const server = w.cli('serve', '--port', String(port));
    try {
      await poll(() => (s.getJob(queued.id).status === 'succeeded' ? true : undefined), 30_000, 'the queued job to run');
      server.kill('SIGTERM');
      assert.equal(await exited(server), 0);
    } finally {
      server.kill('SIGKILL');
    }
  } finally {
    other.close();
    s.db.close();
    await rm(w.dir, { recursive: true, force: true });
  }
});

test('serve --port is validated like any config key: every problem listed, exit 2, nothing started', async () => {
  const w = await workspace('bad-port');
  try {
    for (const [value, problem] of [['abc', /server\.port: .*; got "abc" \(from flag --port\)/], ['70000', /server\.port: .*65535.* \(from flag --port\)/]] as const) {
      const r = await w.run('serve', '--port', value);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, /^error E_CONFIG_INVALID: Invalid configuration: 1 problem/m);
      assert.match(r.err, problem);
    }
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});
