import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import plugin from './index.js';
import { PocketsphinxOptions } from './options.js';

const SYSTEM_MODEL = '/usr/share/pocketsphinx/model/en-us';

test('the engine fingerprint follows the decoder and every model file, and stays put otherwise', async () => {
  // The acoustic model copied (6 MB), the large language model and dictionary used in place.
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-ps-model-'));
  try {
    await cp(join(SYSTEM_MODEL, 'en-us'), join(dir, 'en-us'), { recursive: true, preserveTimestamps: true });
    const options = PocketsphinxOptions.parse({ modelDir: dir, lm: join(SYSTEM_MODEL, 'en-us.lm.bin'), dict: join(SYSTEM_MODEL, 'cmudict-en-us.dict') });
    const a = await plugin.available!(options);
    assert.ok(a.ok, a.reason);
    const engine = () => plugin.engine!(options, { sourceLanguage: 'en' });
    const first = await engine();
    assert.deepEqual(Object.keys(first).sort(), ['decoder', 'dict', 'hmm', 'lm']);
    assert.match(first.decoder!, /pocketsphinx_continuous@/);
    assert.deepEqual(await engine(), first, 'stable');
    // An upgraded acoustic model: one file replaced (here: its mtime moves, as an upgrade's would).
    const later = new Date(Date.now() + 60_000);
    await utimes(join(dir, 'en-us', 'noisedict'), later, later);
    const second = await engine();
    assert.notEqual(second.hmm, first.hmm);
    assert.deepEqual({ ...second, hmm: first.hmm }, first, 'only the acoustic model part changed');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
