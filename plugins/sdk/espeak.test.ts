import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { engineTreeFingerprint } from './file-fingerprint.js';
import { espeakEngine, parseVersion } from './espeak.js';

test('the engine fingerprint is the espeak-ng version, its binary and its voice data', async () => {
  const out = execFileSync('espeak-ng', ['--version'], { encoding: 'utf8' });
  const { version, dataDir } = parseVersion(out);
  assert.match(version, /^\d+\.\d+/);
  const engine = await espeakEngine('espeak-ng');
  assert.equal(engine.espeak, version);
  assert.match(engine.binary!, /espeak-ng@\d+:\d+:[0-9a-f]{32}$/);
  assert.equal(engine.data, await engineTreeFingerprint(dataDir));
  assert.deepEqual(await espeakEngine('espeak-ng'), engine, 'stable');
  assert.throws(() => parseVersion('espeak 1.48'), /unexpected espeak-ng --version output/);
});
