import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../app/paths.js';

const STAMPS_SH = join(packageRoot, 'core', 'setup', 'stamps.sh');

/** Runs bash with core/setup/stamps.sh sourced, from a repository root (as setup.sh does). */
function stamps(script: string, root = packageRoot, env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync('bash', ['-c', `set -euo pipefail; source ${STAMPS_SH}; ${script}`], { cwd: root, encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const pending = (tag: string, root: string, env?: NodeJS.ProcessEnv) => stamps(`pending_steps ${tag}`, root, env).split('\n').filter(Boolean);

/**
 * A repository root with what the stamps are computed from: this lock file, addon sources, a
 * built addon and an installed node_modules (npm ci deletes that folder before installing).
 */
function sandbox(): string {
  const root = mkdtempSync(join(tmpdir(), 'dubarr-stamps-'));
  copyFileSync(join(packageRoot, 'package-lock.json'), join(root, 'package-lock.json'));
  mkdirSync(join(root, 'native', 'src'), { recursive: true });
  mkdirSync(join(root, 'native', 'build', 'Release'), { recursive: true });
  writeFileSync(join(root, 'native', 'binding.gyp'), '{ "targets": [] }\n');
  writeFileSync(join(root, 'native', 'src', 'addon.cc'), '// addon\n');
  writeFileSync(join(root, 'native', 'build', 'Release', 'dubarr_native.node'), '');
  mkdirSync(join(root, 'node_modules', 'some-package'), { recursive: true });
  return root;
}

function editLock(root: string, edit: (lock: Record<string, any>) => void): void {
  const file = join(root, 'package-lock.json');
  const lock = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
  edit(lock);
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
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
  const root = sandbox();
  try {
    stamps(`record_step npm ${other}; record_step native ${other}`, root);
    assert.deepEqual(pending(current, root), ['npm', 'native'], 'a Node upgrade rebuilds both');
    stamps(`record_step npm ${current}; record_step native ${current}`, root);
    assert.deepEqual(pending(current, root), [], 'stamps of this runtime: nothing to do');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the setup that ran before this test wrote the stamps of this runtime', () => {
  const written = readdirSync(join(packageRoot, stamps('stamps_dir')));
  assert.ok(written.includes(stamps(`npm_stamp ${current}`)), `npm stamp in ${written.join(', ')}`);
  assert.ok(written.includes(stamps(`native_stamp ${current}`)), `native stamp in ${written.join(', ')}`);
  assert.deepEqual(pending(current, packageRoot), []);
});

test('a new lock file reinstalls the npm modules without rebuilding the addon: npm ci, which empties node_modules, does not take the stamps', () => {
  const root = sandbox();
  try {
    stamps(`record_step npm ${current}; record_step native ${current}`, root);
    // The lock file changes (an unrelated dependency); setup runs npm ci, which starts by deleting node_modules.
    editLock(root, (lock) => { lock.x = 1; });
    assert.deepEqual(pending(current, root), ['npm']);
    rmSync(join(root, 'node_modules'), { recursive: true, force: true });
    assert.deepEqual(pending(current, root), ['npm'], 'the addon built from the same sources is still done');
    stamps(`record_step npm ${current}`, root);
    assert.deepEqual(pending(current, root), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('going back to an earlier lock file reinstalls: only the last install\'s stamp is kept', () => {
  const root = sandbox();
  try {
    const original = readFileSync(join(root, 'package-lock.json'));
    stamps(`record_step npm ${current}`, root);
    editLock(root, (lock) => { lock.x = 1; });
    stamps(`record_step npm ${current}`, root);
    writeFileSync(join(root, 'package-lock.json'), original);
    assert.ok(pending(current, root).includes('npm'), 'node_modules holds the other lock file\'s packages');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a new node-addon-api (its headers are compiled into the addon) rebuilds the addon', () => {
  const root = sandbox();
  try {
    stamps(`record_step npm ${current}; record_step native ${current}`, root);
    editLock(root, (lock) => { lock.packages['node_modules/node-addon-api'].version = '99.0.0'; });
    assert.deepEqual(pending(current, root), ['npm', 'native']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the npm stamp of a setup that kept its stamps in node_modules is adopted, not reinstalled', () => {
  const root = sandbox();
  try {
    stamps(`record_step npm ${current}`, root);
    renameSync(join(root, stamps('stamps_dir', root)), join(root, 'node_modules', '.dubarr-stamps'));
    assert.ok(pending(current, root).includes('npm'));
    stamps('adopt_old_stamps', root);
    assert.deepEqual(pending(current, root), ['native'], 'the old native stamp did not name node-addon-api; that one rebuild is left');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('new FFmpeg libraries (a system upgrade that bumps libavformat\'s major) rebuild the addon, and only the addon', () => {
  const root = sandbox();
  try {
    // A pkg-config first on PATH that answers the versions in a file, and only the question binding.gyp's libraries ask.
    const bin = join(root, 'fake-bin');
    const versions = join(root, 'libav-versions');
    mkdirSync(bin);
    writeFileSync(join(bin, 'pkg-config'), `#!/bin/sh
[ "$*" = "--modversion libavformat libavcodec libavutil libswresample libavfilter" ] || { echo "unexpected: $*" >&2; exit 3; }
cat ${versions}
`, { mode: 0o755 });
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
    writeFileSync(versions, '59.27.100\n59.37.100\n57.28.100\n4.7.100\n8.44.100\n');
    stamps(`record_step npm ${current}; record_step native ${current}`, root, env);
    assert.deepEqual(pending(current, root, env), [], 'the same libraries: nothing to do');

    writeFileSync(versions, '61.7.100\n61.19.101\n59.39.100\n5.3.100\n10.4.100\n');
    assert.deepEqual(pending(current, root, env), ['native']);
    stamps(`record_step native ${current}`, root, env);
    assert.deepEqual(pending(current, root, env), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
