import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import plugin from './index.js';
import { listModes } from './modes.js';
import { modesFor, parseModeFile } from './pair-fingerprint.js';

const SYSTEM = '/usr/share/apertium';

test('a mode file names its programs and data files', async () => {
  const { programs, files } = parseModeFile(await readFile(join(SYSTEM, 'modes', 'eng-spa.mode'), 'utf8'));
  for (const p of ['lt-proc', 'apertium-tagger', 'apertium-transfer', 'lrx-proc']) assert.ok(programs.includes(p), p);
  assert.ok(files.includes(join(SYSTEM, 'apertium-eng-spa', 'eng-spa.automorf.bin')));
  assert.ok(files.every((f) => f.startsWith(join(SYSTEM, 'apertium-eng-spa'))), 'only the pair\'s own data');
});

test('the modes a step may run: the one its languages pick, or every candidate while a language is unknown', async () => {
  const modes = await listModes(join(SYSTEM, 'modes'));
  assert.deepEqual(modesFor(modes, { sourceLanguage: 'en', targetLanguage: 'ca' }).map((m) => m.name), ['eng-cat']);
  assert.deepEqual(modesFor(modes, { sourceLanguage: 'en', targetLanguage: 'ca-valencia' }).map((m) => m.name), ['eng-cat_valencia']);
  assert.deepEqual(modesFor(modes, { targetLanguage: 'es' }).map((m) => m.name), ['eng-spa']);
  assert.ok(modesFor(modes, { targetLanguage: 'ca' }).length >= 2, 'every en->ca variant');
  assert.deepEqual(modesFor(modes, { sourceLanguage: 'en', targetLanguage: 'fr' }), []);
});

test('upgrading one pair\'s data changes the fingerprint of that pair only', async () => {
  // A modes folder whose Catalan mode runs a copy of the Catalan data; Spanish stays on the system's.
  const root = await mkdtemp(join(tmpdir(), 'dubarr-apertium-pair-'));
  try {
    await cp(join(SYSTEM, 'apertium-eng-cat'), join(root, 'apertium-eng-cat'), { recursive: true, preserveTimestamps: true });
    await mkdir(join(root, 'modes'));
    const cat = await readFile(join(SYSTEM, 'modes', 'eng-cat.mode'), 'utf8');
    await writeFile(join(root, 'modes', 'eng-cat.mode'), cat.replaceAll(join(SYSTEM, 'apertium-eng-cat'), join(root, 'apertium-eng-cat')));
    await cp(join(SYSTEM, 'modes', 'eng-spa.mode'), join(root, 'modes', 'eng-spa.mode'));
    const options = { markUnknown: false, glossary: [], binary: 'apertium', modesDir: join(root, 'modes') };
    const print = async () => ({
      es: await plugin.engine!(options, { sourceLanguage: 'en', targetLanguage: 'es' }),
      ca: await plugin.engine!(options, { sourceLanguage: 'en', targetLanguage: 'ca' }),
    });
    const before = await print();
    assert.match(before.es.apertium!, /Apertium \d/);
    assert.deepEqual(Object.keys(before.ca), ['apertium', 'launcher', 'mode:eng-cat']);
    assert.deepEqual(await print(), before, 'stable');
    const later = new Date(Date.now() + 60_000);
    await utimes(join(root, 'apertium-eng-cat', 'eng-cat.autobil.bin'), later, later);
    const after = await print();
    assert.deepEqual(after.es, before.es);
    assert.notDeepEqual(after.ca, before.ca);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
