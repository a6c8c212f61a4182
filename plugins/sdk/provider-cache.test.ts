import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderResultCache, providerCacheDir, setProviderCacheDir, unitKeyHash } from './provider-cache.js';

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'provider-cache-'));
  try { await fn(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}

test('a unit is paid for once: the same text, voice and settings come from disk, in a new cache object too (a resumed job)', async () => {
  await withDir(async (dir) => {
    let paid = 0;
    const buy = async () => { paid++; return Buffer.from(`audio #${paid}`); };
    const key = { kind: 'speech', text: 'Hello there.', voice: 'rachel', settings: { speed: 1.1, format: 'pcm_24000' } };
    const first = await new ProviderResultCache('elevenlabs', dir).getOrCompute(key, buy);
    assert.deepEqual([first.cached, first.value.toString()], [false, 'audio #1']);
    // A new object on the same folder: what a retried job, a restarted server or a worker thread sees.
    const again = await new ProviderResultCache('elevenlabs', dir).getOrCompute({ ...key, settings: { format: 'pcm_24000', speed: 1.1 } }, buy);
    assert.deepEqual([again.cached, again.value.toString()], [true, 'audio #1'], 'settings in another order are the same key');
    assert.equal(paid, 1);

    for (const other of [{ ...key, text: 'Hello there!' }, { ...key, voice: 'adam' }, { ...key, settings: { ...key.settings, speed: 1 } }]) {
      assert.equal((await new ProviderResultCache('elevenlabs', dir).getOrCompute(other, buy)).cached, false, JSON.stringify(other));
    }
    assert.equal(paid, 4, 'a different text, voice or setting is a different unit');
    const otherProvider = await new ProviderResultCache('openai', dir).getOrCompute(key, buy);
    assert.equal(otherProvider.cached, false, 'providers do not share results');
  });
});

test('two callers of one unit at once pay once; a failed purchase is not cached and leaves no file', async () => {
  await withDir(async (dir) => {
    const cache = new ProviderResultCache('deepl', dir);
    let paid = 0;
    let open!: () => void;
    const gate = new Promise<void>((r) => { open = r; });
    const key = { kind: 'translate', text: 'Good morning', voice: 'DE', settings: { formality: 'less' } };
    const a = cache.getOrCompute(key, async () => { paid++; await gate; return 'Guten Morgen'; });
    const b = cache.getOrCompute(key, async () => { paid++; return 'Guten Morgen'; });
    open();
    const [ra, rb] = await Promise.all([a, b]);
    assert.equal(paid, 1);
    assert.deepEqual([ra.value.toString(), rb.value.toString()], ['Guten Morgen', 'Guten Morgen']);

    const bad = { ...key, text: 'Good night' };
    await assert.rejects(cache.getOrCompute(bad, async () => { throw new Error('456 quota'); }), /456 quota/);
    assert.equal(await cache.get(bad), undefined);
    const files = (await readdir(cache.dir, { recursive: true })).filter((f) => f.endsWith('.bin') || f.endsWith('.tmp'));
    assert.deepEqual(files, [join(unitKeyHash(key).slice(0, 2), `${unitKeyHash(key)}.bin`)], 'only the one bought result is on disk');
  });
});

test('split sorts a batch into units already paid for and units to buy', async () => {
  await withDir(async (dir) => {
    const cache = new ProviderResultCache('deepl', dir);
    const keys = ['one', 'two', 'three'].map((text) => ({ kind: 'translate', text, voice: 'ES' }));
    await cache.put(keys[1]!, 'dos');
    const { hits, misses } = await cache.split(keys);
    assert.deepEqual(misses, [0, 2]);
    assert.equal(hits.get(1)?.toString(), 'dos');
  });
});

test('the folder is the one the runtime set for this thread', () => {
  const before = providerCacheDir();
  setProviderCacheDir('/srv/dubarr/provider-cache');
  try {
    assert.equal(new ProviderResultCache('deepl').dir, '/srv/dubarr/provider-cache/deepl');
  } finally {
    setProviderCacheDir(before);
  }
  assert.throws(() => new ProviderResultCache('../etc'), /invalid provider name/);
});
