/**
 * A Whisper is one model in two ONNX sessions (encoder, merged decoder): together they count its
 * catalogue residentMb once against models.maxResidentMb, each its share by file size.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTinyModel, installTinyModel, testEntry } from '../../test/fixtures/tiny-models.js';
import { loadedOnnxSessions, releaseOnnxSessions } from '../sdk/onnx-session.js';
import { MODEL_FILES } from './model-config.js';
import { openWhisper } from './whisper-runtime.js';

const root = await mkdtemp(join(tmpdir(), 'whisper-runtime-'));
after(async () => {
  await releaseOnnxSessions();
  await rm(root, { recursive: true, force: true });
});

test("the encoder and decoder sessions split the model's residentMb by file size, counting it once", async () => {
  const built = await buildTinyModel('whisper_tiny.py', []);
  const residentMb = 300;
  const dir = await installTinyModel(root, built, {
    ...testEntry({ id: 'whisper-resident', task: 'asr', provider: 'whisper', residentMb }),
    files: Object.values(MODEL_FILES),
  });
  await openWhisper({ model: dir, executionProviders: ['cpu'], threads: 1 });
  const mb = (part: string) => loadedOnnxSessions().find((s) => s.label === `whisper-resident ${part}`)?.residentMb;
  const [encoder, decoder] = [mb('encoder'), mb('decoder')];
  assert.ok(encoder !== undefined && decoder !== undefined, 'both sessions are loaded');
  // Each session rounds its share up to whole megabytes.
  assert.ok(encoder + decoder <= residentMb + 1 && encoder + decoder >= residentMb, `${encoder} + ${decoder} MB for a ${residentMb} MB model`);
  const [encBytes, decBytes] = await Promise.all([stat(join(dir, MODEL_FILES.encoder)), stat(join(dir, MODEL_FILES.decoder))]);
  assert.equal(encoder, Math.ceil((residentMb * encBytes.size) / (encBytes.size + decBytes.size)));
});
