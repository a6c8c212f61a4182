import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../app/paths.js';

const SCRIPT = join(packageRoot, 'core', 'setup', 'apt-packages.sh');
const asNobody = (...packages: string[]) =>
  spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', SCRIPT, ...packages], { encoding: 'utf8' });

test('setup without root: installed packages pass; a missing one prints the exact apt-get line and fails', () => {
  const ok = asNobody('bash', 'coreutils');
  assert.equal(ok.status, 0, ok.stderr);
  const missing = asNobody('bash', 'dubarr-no-such-package-x');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /missing system packages: dubarr-no-such-package-x/);
  assert.match(missing.stderr, /run as root: {2}apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends dubarr-no-such-package-x\n/);
});
