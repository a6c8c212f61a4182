/**
 * core/setup/apt-packages.sh, both ways, whoever runs the suite (the README allows `npm test`
 * without root once the packages are installed):
 *  - without root it installs nothing and prints the apt-get line; as root the test drops to
 *    nobody (setpriv) to see that;
 *  - as root it runs apt-get for the missing packages only. The apt-get it finds first on PATH
 *    records its arguments instead of installing (nothing may be installed by a test); without
 *    root, uid 0 comes from a user namespace (unshare -r), where the script's `id -u` is 0.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../app/paths.js';

const SCRIPT = join(packageRoot, 'core', 'setup', 'apt-packages.sh');
const isRoot = process.getuid?.() === 0;
const scratch = mkdtempSync(join(tmpdir(), 'dubarr-apt-'));
chmodSync(scratch, 0o755);
after(() => rmSync(scratch, { recursive: true, force: true }));

/** `bash apt-packages.sh <packages>`, behind `prefix` (setpriv ..., unshare ...) if given. */
function run(prefix: string[], packages: string[], env: NodeJS.ProcessEnv = process.env) {
  const [cmd, ...args] = [...prefix, 'bash', SCRIPT, ...packages];
  return spawnSync(cmd!, args, { encoding: 'utf8', env });
}

/** The script as a user without root: this one, or nobody when the suite runs as root. */
const asNonRoot = (...packages: string[]) =>
  run(isRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [], packages);

test('without root: installed packages pass; a missing one prints the exact apt-get line and fails', () => {
  const ok = asNonRoot('bash', 'coreutils');
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stderr, '');
  const missing = asNonRoot('bash', 'dubarr-no-such-package-x');
  assert.equal(missing.status, 1, missing.stderr);
  assert.match(missing.stderr, /missing system packages: dubarr-no-such-package-x\n/);
  assert.match(missing.stderr, /run as root: {2}apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends dubarr-no-such-package-x\n/);
});

/** uid 0 for the script: this process if it is root, else a user namespace if the kernel allows one. */
function rootPrefix(): string[] | undefined {
  if (isRoot) return [];
  const probe = spawnSync('unshare', ['-r', 'id', '-u'], { encoding: 'utf8' });
  return probe.status === 0 && probe.stdout.trim() === '0' ? ['unshare', '-r'] : undefined;
}
const asRoot = rootPrefix();

test('as root: apt-get installs the missing packages only, non-interactively', {
  skip: asRoot ? false : 'not root, and this kernel allows no user namespace (unshare -r) to be uid 0 in',
}, () => {
  const bin = mkdtempSync(join(scratch, 'bin-'));
  chmodSync(bin, 0o755);
  const calls = join(bin, 'calls.log');
  writeFileSync(join(bin, 'apt-get'), `#!/bin/sh\necho "DEBIAN_FRONTEND=\${DEBIAN_FRONTEND:-} $*" >> '${calls}'\n`);
  chmodSync(join(bin, 'apt-get'), 0o755);
  const { DEBIAN_FRONTEND: _, ...inherited } = process.env;
  const env = { ...inherited, PATH: `${bin}:${process.env.PATH}` };

  const nothing = run(asRoot!, ['bash', 'coreutils'], env);
  assert.equal(nothing.status, 0, nothing.stderr);
  assert.throws(() => readFileSync(calls), /ENOENT/, 'apt-get is not run when everything is installed');

  const r = run(asRoot!, ['bash', 'dubarr-no-such-package-x', 'coreutils', 'dubarr-no-such-package-y'], env);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /installing system packages: dubarr-no-such-package-x dubarr-no-such-package-y\n/);
  assert.deepEqual(readFileSync(calls, 'utf8').trim().split('\n'), [
    'DEBIAN_FRONTEND= update -qq',
    'DEBIAN_FRONTEND=noninteractive install -y -qq --no-install-recommends dubarr-no-such-package-x dubarr-no-such-package-y',
  ]);
});
