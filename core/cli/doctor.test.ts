import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../config/repo-root.js';
import { aptInstallCommand, formatDoctor, parseAptPackages, readAptPackages, runDoctor } from './doctor.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'dubarr-doctor-'));

test("the package list is setup.sh's APT_PACKAGES array", () => {
  const packages = readAptPackages(repoRoot());
  for (const p of ['ffmpeg', 'libavformat-dev', 'espeak-ng', 'apertium', 'apertium-eng-spa', 'pocketsphinx-en-us']) {
    assert.ok(packages.includes(p), `${p} is in the list`);
  }
  assert.ok(packages.every((p) => /^[a-z0-9][a-z0-9.+-]+$/.test(p)), packages.join(' '));
  assert.deepEqual(parseAptPackages('x=1\nAPT_PACKAGES=(\n  a b  # why b\n  # c is gone\n  d\n)\nother=(e)\n'), ['a', 'b', 'd']);
  assert.throws(() => parseAptPackages('echo hi'), /APT_PACKAGES/);
});

test('on this machine every system dependency is present', async () => {
  const result = await runDoctor({ dataDir: tempDir() });
  const failed = (prefix: string) => result.checks.filter((c) => c.name.startsWith(prefix) && !c.ok).map((c) => `${c.name}: ${c.detail}`);
  assert.deepEqual(failed('package '), []);
  assert.deepEqual(failed('command '), []);
  assert.deepEqual(failed('apertium pairs'), []);
  assert.deepEqual(failed('Node.js'), []);
  assert.deepEqual(failed('data dir'), []);
  assert.equal(result.checks.filter((c) => c.name.startsWith('package ')).length, readAptPackages(repoRoot()).length);
  assert.match(result.checks.find((c) => c.name === 'command ffmpeg')!.detail, /^ffmpeg version \S+/);
  assert.match(result.checks.find((c) => c.name === 'command pocketsphinx_continuous')!.detail, /^pocketsphinx \S+/);
  // The native addon is built by setup; whatever its state, the verdict is the AND of all checks.
  assert.equal(result.ok, result.checks.every((c) => c.ok));
  assert.match(formatDoctor(result), result.ok ? /All checks passed\.$/ : /check(s)? failed\.$/);
});

test('a missing package fails with the exact apt-get line that installs it', async () => {
  const bogus = 'dubarr-no-such-package';
  const result = await runDoctor({ dataDir: tempDir(), aptPackages: ['ffmpeg', bogus] });
  assert.equal(result.ok, false);
  const check = result.checks.find((c) => c.name === `package ${bogus}`)!;
  assert.equal(check.ok, false);
  assert.equal(check.fix, `apt-get update && apt-get install -y --no-install-recommends ${bogus}`);
  assert.equal(check.fix, aptInstallCommand([bogus]));
  assert.equal(result.checks.find((c) => c.name === 'package ffmpeg')?.ok, true);
  const text = formatDoctor(result);
  assert.match(text, new RegExp(`FAIL  package ${bogus}: not installed`));
  assert.ok(text.includes(`\nTo fix:\n`) && text.includes(`  ${check.fix}\n`));
});

test('a data dir that cannot be created fails; low disk space only warns', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'a-file'), '');
  const blocked = await runDoctor({ dataDir: join(dir, 'a-file', 'data'), aptPackages: [] });
  const dataCheck = blocked.checks.find((c) => c.name === 'data dir')!;
  assert.equal(dataCheck.ok, false);
  assert.match(dataCheck.detail, /not a directory/);

  const tight = await runDoctor({ dataDir: dir, aptPackages: [], minFreeBytes: Number.MAX_SAFE_INTEGER });
  const disk = tight.checks.find((c) => c.name === 'disk space')!;
  assert.equal(disk.ok, true);
  assert.equal(disk.warning, true);
  assert.match(formatDoctor(tight), /^warn {2}disk space: [\d.]+ GB free/m);
});
