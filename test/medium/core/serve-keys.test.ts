/**
 * The keys commands and `serve` beyond loopback, through the real CLI in child processes: no
 * key, no start (and how to make one); `keys create` prints the key alone on its last line;
 * the running server accepts it, and refuses it once revoked by another process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI, exited, workspace } from './cli-harness.js';

test('serve on 0.0.0.0 without a key exits with E_API_KEY_REQUIRED; with one it serves, and a revoked key is refused at once', async () => {
  const w = await workspace('keys', { extraConfig: ['server: { host: 0.0.0.0 }'] });
  try {
    const refused = await w.run('serve', '--port', '0');
    assert.equal(refused.code, 1, refused.err);
    assert.match(refused.err, /^error E_API_KEY_REQUIRED: Not started: server\.host is 0\.0\.0\.0, .*`dubarr keys create --name <name>`/m);
    assert.doesNotMatch(refused.err, /\n\s+at /, 'a handled, coded error');

    const created = await w.run('keys', 'create', '--name', 'bazarr');
    assert.equal(created.code, 0, created.err);
    const lines = created.out.trimEnd().split('\n');
    const key = lines.at(-1)!;
    assert.match(key, /^dubarr_[A-Za-z0-9_-]{43}$/, 'the key alone on the last line');
    const id = /Created API key (key_[0-9a-f]+) 'bazarr'/.exec(created.out)?.[1];
    assert.ok(id, created.out);

    const listed = await w.run('keys', 'list');
    assert.match(listed.out, new RegExp(`^${id}\\s+bazarr\\s+\\d{4}-\\d\\d-\\d\\dT\\S+Z\\s+never$`, 'm'));
    assert.ok(!listed.out.includes(key) && !listed.out.includes(key.slice(7)), 'never the key');

    const server = spawn(process.execPath, [CLI, '--config', join(w.dir, 'dubarr.yaml'), 'serve', '--port', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DUBARR_LOG_LEVEL: 'debug', DUBARR_LOG_PRETTY: 'never' },
    });
    let log = '';
    try {
      const url = await new Promise<string>((resolve, reject) => {
        server.stderr!.on('data', (d: Buffer) => {
          log += d.toString();
          const m = /"url":"http:\/\/0\.0\.0\.0:(\d+)"/.exec(log);
          if (m) resolve(`http://127.0.0.1:${m[1]}`);
        });
        server.once('exit', (code) => reject(new Error(`serve exited ${code}: ${log}`)));
      });
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      assert.equal((await fetch(`${url}/readyz`)).status, 401);
      assert.equal((await fetch(`${url}/readyz`, { headers: { authorization: `Bearer ${key}` } })).status, 200);
      assert.match((await w.run('keys', 'list')).out, new RegExp(`^${id}\\s+bazarr\\s+\\S+\\s+\\d{4}-\\S+Z$`, 'm'), 'last use shown');

      const revoked = await w.run('keys', 'revoke', 'bazarr');
      assert.equal(revoked.code, 0, revoked.err);
      assert.equal((await fetch(`${url}/readyz`, { headers: { 'x-api-key': key } })).status, 401);
      assert.match((await w.run('keys', 'list')).out, /^No API keys\./);
      server.kill('SIGTERM');
      assert.equal(await exited(server), 0);
      // The log names the key's id when it let a request in, and never the key.
      assert.match(log, new RegExp(`"keyId":"${id}"`));
      assert.ok(!log.includes(key.slice(7)), 'the key is never logged');
    } finally {
      server.kill('SIGKILL');
    }
    const gone = await w.run('keys', 'revoke', 'bazarr');
    assert.equal(gone.code, 2);
    assert.match(gone.err, /^error E_INVALID_ARGUMENT: No API key has the id or name 'bazarr'/m);
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});
