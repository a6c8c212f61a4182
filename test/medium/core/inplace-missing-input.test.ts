/**
 * An in-place job whose file is gone fails E_INPUT_NOT_FOUND; when a file of the same name and
 * another extension is beside it (an earlier run swapped Movie.ts for Movie.mkv and stopped
 * before recording its success), the message says so, so the user knows the dub is there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PresetInput } from '../../../core/pipeline/plan.js';
import { finished, testRuntime } from './harness.js';

const quick: PresetInput = { steps: [{ id: 'only', capability: 'noop', inputs: { source: 'source' } }] };

test('an in-place job on a file that is gone: E_INPUT_NOT_FOUND, naming the file of the same name beside it when there is one', async () => {
  const t = await testRuntime({ quick });
  try {
    const dir = join(t.dir, 'library');
    await mkdir(dir);
    await writeFile(join(dir, 'Movie.mkv'), 'what an earlier run left');
    await writeFile(join(dir, 'Movie.nfo'), 'metadata'); // not a video: never named
    const submit = (name: string, mode: 'inplace' | 'mux') =>
      t.rt.scheduler.submit({ input: join(dir, name), preset: 'quick', targetLanguages: ['es'], options: { mode }, origin: 'cli' });

    const swapped = await finished(t, submit('Movie.ts', 'inplace').id);
    assert.equal(swapped.status, 'failed');
    assert.equal(swapped.error?.code, 'E_INPUT_NOT_FOUND');
    assert.match(swapped.error!.message, /library\/Movie\.mkv is beside it: an earlier run of this in-place job may have replaced the file/);

    const other = await finished(t, submit('Other.ts', 'inplace').id);
    assert.equal(other.error?.message, `Input file not found: ${join(dir, 'Other.ts')}`);
    const notInPlace = await finished(t, submit('Movie.ts', 'mux').id);
    assert.equal(notInPlace.error?.message, `Input file not found: ${join(dir, 'Movie.ts')}`);
  } finally {
    await t.close();
  }
});
