import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../app/paths.js';

/** Runs bash with core/setup/stamps.sh sourced, from the repository root (as setup.sh does). */
function stamps(script: string): string {
  const r = spawnSync('bash', ['-c', `set -euo pipefail; source core/setup/stamps.sh; ${script}`], { cwd: packageRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const current = `node-abi${process.versions.modules}-${process.platform}-${process.arch}`;
/** The tag a Node with another ABI would compute (Node 18's ABI is 108, Node 22's 127). */
const other = `node-abi${process.versions.modules === '108' ? '127' : '108'}-${process.platform}-${process.arch}`;

test('the runtime tag is this Node\'s ABI, platform and architecture, and every stamp carries it', () => {
  assert.equal(stamps('node_runtime_tag'), current);
  for (const fn of ['npm_stamp', 'native_stamp']) {
    const mine = stamps(`${fn} ${current}`);
    const theirs = stamps(`${fn} ${other}`);
    assert.ok(mine.includes(current), mine);
    assert.notEqual(mine, theirs, `${fn} changes with the ABI`);
    assert.equal(mine.replace(current, other), theirs, 'only the tag differs');
  }
});

test('setup rebuilds npm modules and the addon when the stamps were written under another Node ABI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dubarr-stamps-'));
  try {
    const write = (tag: string) => {
      for (const s of stamps(`npm_stamp ${tag}; native_stamp ${tag}`).split('\n')) writeFileSync(join(dir, s), '');
    };
    write(other);
    assert.deepEqual(stamps(`pending_steps ${dir} ${current}`).split('\n'), ['npm', 'native'], 'a Node upgrade rebuilds both');
    write(current);
    assert.equal(stamps(`pending_steps ${dir} ${current}`), '', 'stamps of this runtime: nothing to do');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the setup that ran before this test wrote the stamps of this runtime', () => {
  const written = readdirSync(join(packageRoot, 'node_modules', '.dubarr-stamps'));
  assert.ok(written.includes(stamps(`npm_stamp ${current}`)), `npm stamp in ${written.join(', ')}`);
  assert.ok(written.includes(stamps(`native_stamp ${current}`)), `native stamp in ${written.join(', ')}`);
  assert.equal(stamps(`pending_steps node_modules/.dubarr-stamps ${current}`), '');
});
