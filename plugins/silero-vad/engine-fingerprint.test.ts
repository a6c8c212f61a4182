import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import plugin from './index.js';
import { SileroVadOptions } from './options.js';
import { weightsPath } from './weights.js';

test('the engine fingerprint is the weights file: other weights, another fingerprint', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-silero-weights-'));
  try {
    const copy = join(dir, 'silero.onnx');
    await copyFile(weightsPath('op15'), copy);
    const engine = (o: object) => plugin.engine!(SileroVadOptions.parse(o), {});
    const bundled = await engine({});
    assert.deepEqual(Object.keys(bundled), ['weights']);
    assert.deepEqual(await engine({}), bundled, 'stable');
    assert.notDeepEqual(await engine({ model: 'half' }), bundled, 'the half-precision export');
    const before = await engine({ modelPath: copy });
    const fh = await open(copy, 'r+');
    await fh.write(Buffer.from([0x42]), 0, 1, 100);
    await fh.close();
    assert.notDeepEqual(await engine({ modelPath: copy }), before, 'retrained weights in place');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
