import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findMode, installedPairs, listModes, parseModeName } from './modes.js';
import { conventionalPackageName, debianPackageFor } from './packages.js';

test('mode names: 3- and 2-letter codes, variants on either side, debug modes ignored', () => {
  assert.deepEqual(parseModeName('eng-spa', '/d'), { name: 'eng-spa', dataDir: '/d', from: 'en', to: 'es' });
  assert.deepEqual(parseModeName('en-es', '/d'), { name: 'en-es', dataDir: '/d', from: 'en', to: 'es' });
  assert.deepEqual(parseModeName('eng-cat_valencia_uni', '/d'), { name: 'eng-cat_valencia_uni', dataDir: '/d', from: 'en', to: 'ca', toVariant: 'valencia_uni' });
  assert.deepEqual(parseModeName('hbs_HR-eng', '/d'), { name: 'hbs_HR-eng', dataDir: '/d', from: 'hbs', to: 'en', fromVariant: 'HR' });
  assert.equal(parseModeName('eng-spa-morph', '/d'), undefined);
  assert.equal(parseModeName('README', '/d'), undefined);
});

test('listModes reads a modes folder; findMode prefers the plain mode unless a variant is asked for', async () => {
  const root = await mkdtemp(join(tmpdir(), 'dubarr-apertium-modes-'));
  try {
    await mkdir(join(root, 'modes'));
    for (const f of ['en-eo.mode', 'eng-cat.mode', 'eng-cat_valencia.mode', 'spa-eng_US.mode', 'spa-eng.mode', 'eng-spa-tagger.mode', 'README']) {
      await writeFile(join(root, 'modes', f), 'cat');
    }
    const modes = await listModes(join(root, 'modes'));
    assert.deepEqual(modes.map((m) => m.name), ['en-eo', 'eng-cat', 'eng-cat_valencia', 'spa-eng', 'spa-eng_US']);
    assert.ok(modes.every((m) => m.dataDir === root), 'apertium -d takes the folder above modes/');
    assert.deepEqual(installedPairs(modes), [['en', 'ca'], ['en', 'eo'], ['es', 'en']]);
    assert.equal(findMode(modes, 'en', 'ca')?.name, 'eng-cat');
    assert.equal(findMode(modes, 'eng', 'ca-valencia')?.name, 'eng-cat_valencia');
    assert.equal(findMode(modes, 'es', 'en-US')?.name, 'spa-eng_US');
    assert.equal(findMode(modes, 'es', 'en-GB')?.name, 'spa-eng');
    assert.equal(findMode(modes, 'en', 'eo')?.name, 'en-eo');
    assert.equal(findMode(modes, 'en', 'fr'), undefined);
    assert.deepEqual(await listModes(join(root, 'nonexistent', 'modes')), []);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('the installed Debian modes are found (setup installs apertium-eng-spa and apertium-eng-cat)', async () => {
  const pairs = installedPairs(await listModes()).map((p) => p.join('-'));
  for (const p of ['en-es', 'es-en', 'en-ca', 'ca-en']) assert.ok(pairs.includes(p), `${p} in ${pairs.join(', ')}`);
});

test('the Debian package that adds a pair, in either order and either code length', () => {
  assert.equal(debianPackageFor('en', 'es'), 'apertium-eng-spa');
  assert.equal(debianPackageFor('en', 'eo'), 'apertium-eo-en');
  assert.equal(debianPackageFor('is', 'en'), 'apertium-isl-eng');
  assert.equal(debianPackageFor('en', 'fr'), undefined);
  assert.equal(conventionalPackageName('en', 'fr'), 'apertium-eng-fra');
});
