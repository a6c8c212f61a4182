import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageVersion } from './package-version.js';

test('packageVersion walks up from the entry to the package.json that names the package, past nested ones', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-package-version-'));
  try {
    const root = join(dir, 'node_modules', 'langid-lib');
    await mkdir(join(root, 'dist', 'esm', 'entries'), { recursive: true });
    await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'langid-lib', version: '3.4.5' }));
    await writeFile(join(root, 'dist', 'esm', 'package.json'), JSON.stringify({ type: 'module' }));
    const entry = join(root, 'dist', 'esm', 'entries', 'small.js');
    await writeFile(entry, 'export default {};\n');
    assert.equal(packageVersion('langid-lib', pathToFileURL(entry).href), '3.4.5');
    assert.throws(() => packageVersion('another-lib', pathToFileURL(entry).href), /no package.json of 'another-lib'/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('eld, as installed: the version its own package.json gives', () => {
  assert.match(packageVersion('eld', import.meta.resolve('eld/small')), /^\d+\.\d+\.\d+$/);
});
