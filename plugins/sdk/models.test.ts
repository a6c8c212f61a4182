import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DubarrError } from './errors.js';
import { INSTALLED_MANIFEST, modelFingerprint, modelInstalled, modelsDir, openModel, readCatalogue, setModelsDir, type ModelEntry } from './models.js';

const entry: ModelEntry = {
  id: 'tiny-asr', task: 'asr', provider: 'whisper', languages: ['en'], sizeMb: 1, residentMb: 2, license: 'MIT',
  source: { repo: 'someone/tiny', revision: 'a'.repeat(40) },
  files: [{ path: 'onnx/model.onnx', sha256: 'b'.repeat(64), size: 3 }],
};

async function withModelsDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'models-'));
  const before = modelsDir();
  setModelsDir(dir);
  try {
    return await fn(dir);
  } finally {
    setModelsDir(before);
    await rm(dir, { recursive: true, force: true });
  }
}

test('openModel finds an installed model by id in models.dir and by absolute folder path', async () => {
  await withModelsDir(async (dir) => {
    await mkdir(join(dir, 'tiny-asr', 'onnx'), { recursive: true });
    await writeFile(join(dir, 'tiny-asr', 'onnx', 'model.onnx'), 'abc');
    await writeFile(join(dir, 'tiny-asr', INSTALLED_MANIFEST), JSON.stringify(entry));
    const byId = await openModel('tiny-asr', { task: 'asr', provider: 'whisper' });
    assert.equal(byId.dir, join(dir, 'tiny-asr'));
    assert.equal(byId.file('onnx/model.onnx'), join(dir, 'tiny-asr', 'onnx', 'model.onnx'));
    const byPath = await openModel(join(dir, 'tiny-asr'));
    assert.deepEqual(byPath.entry, byId.entry);
    assert.equal(await modelInstalled('tiny-asr'), true);
    const print = await modelFingerprint('tiny-asr');
    await writeFile(join(dir, 'tiny-asr', 'onnx', 'model.onnx'), 'abd');
    assert.notEqual(await modelFingerprint('tiny-asr'), print, 'a changed file changes the engine fingerprint');
  });
});

test('a folder without its manifest is not a model: E_MODEL_MISSING names the pull command for catalogue ids', async () => {
  await withModelsDir(async (dir) => {
    // Files without dubarr-model.json: a download that never finished.
    await mkdir(join(dir, 'tiny-asr', 'onnx'), { recursive: true });
    await writeFile(join(dir, 'tiny-asr', 'onnx', 'model.onnx'), 'abc');
    assert.equal(await modelInstalled('tiny-asr'), false);
    await assert.rejects(openModel('tiny-asr'), (e: DubarrError) => e.code === 'E_MODEL_MISSING' && /dubarr models list/.test(e.message));
    const known = readCatalogue()[0];
    if (known) {
      await assert.rejects(openModel(known.id), (e: DubarrError) => e.code === 'E_MODEL_MISSING' && e.message.includes(`dubarr models pull ${known.id}`));
    }
    await assert.rejects(openModel(join(dir, 'nowhere')), (e: DubarrError) => e.code === 'E_MODEL_MISSING' && e.message.includes(INSTALLED_MANIFEST));
  });
});

test('openModel refuses a model of another task or provider, and an invalid manifest, with coded errors', async () => {
  await withModelsDir(async (dir) => {
    await mkdir(join(dir, 'tiny-asr'), { recursive: true });
    await writeFile(join(dir, 'tiny-asr', INSTALLED_MANIFEST), JSON.stringify(entry));
    await assert.rejects(openModel('tiny-asr', { task: 'mt' }), (e: DubarrError) => e.code === 'E_INVALID_ARGUMENT' && /is for asr; this step needs a model for mt/.test(e.message));
    await assert.rejects(openModel('tiny-asr', { provider: 'marian' }), (e: DubarrError) => e.code === 'E_INVALID_ARGUMENT' && /run by the whisper provider/.test(e.message));
    await writeFile(join(dir, 'tiny-asr', INSTALLED_MANIFEST), JSON.stringify({ ...entry, files: [{ path: '../escape', sha256: 'b'.repeat(64), size: 1 }] }));
    await assert.rejects(openModel('tiny-asr'), (e: DubarrError) => e.code === 'E_MODEL_MISSING' && /not a valid model manifest/.test(e.message));
  });
});

test('the shipped catalogue is valid', () => {
  const ids = readCatalogue().map((m) => m.id);
  assert.equal(new Set(ids).size, ids.length);
});
