import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheKey, type CacheKeyParts, StageCache } from './stage-cache.js';

async function tmp() { return mkdtemp(join(tmpdir(), 'dubarr-cache-')); }

test('cache keys ignore key order and change with any part', () => {
  const base: CacheKeyParts = { stageId: 's:x', code: 'c1', engine: { lib: '1.0', model: 'm1' }, options: { a: 1, b: [1, 2] }, params: { to: 'es' }, inputs: { audio: 'h1' } };
  assert.equal(cacheKey(base), cacheKey({ ...base, options: { b: [1, 2], a: 1 }, engine: { model: 'm1', lib: '1.0' } }));
  for (const changed of [{ code: 'c2' }, { engine: { lib: '1.1', model: 'm1' } }, { engine: { lib: '1.0' } }, { options: { a: 2, b: [1, 2] } }, { params: { to: 'ca' } }, { inputs: { audio: 'h2' } }, { stageId: 's:y' }] as Array<Partial<CacheKeyParts>>) {
    assert.notEqual(cacheKey(base), cacheKey({ ...base, ...changed }));
  }
});

test('put moves result files into an entry; get returns them; content hash covers files and data', async () => {
  const dir = await tmp();
  try {
    const cache = new StageCache(join(dir, 'cache'));
    const work = join(dir, 'work.txt');
    await writeFile(work, 'hello');
    const out = await cache.put('ab'.repeat(32), 's:x', { files: { text: work }, data: { n: 1 } });
    assert.ok(!existsSync(work), 'moved, not copied');
    assert.equal(await readFile(out.files.text!, 'utf8'), 'hello');
    const again = await cache.get('ab'.repeat(32));
    assert.deepEqual(again, out);
    assert.equal(await cache.get('cd'.repeat(32)), undefined);
    await writeFile(work, 'hellO');
    const other = await cache.put('ef'.repeat(32), 's:x', { files: { text: work }, data: { n: 1 } });
    assert.notEqual(other.hash, out.hash);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('prune removes least recently used entries down to the size limit', async () => {
  const dir = await tmp();
  try {
    const cache = new StageCache(join(dir, 'cache'));
    const keys = ['11', '22', '33'].map((k) => k.repeat(32));
    for (const [i, k] of keys.entries()) {
      const f = join(dir, `f${i}`);
      await writeFile(f, Buffer.alloc(1000));
      await cache.put(k, 's:x', { files: { f } });
      const past = new Date(Date.now() - (10 - i) * 60_000);
      await utimes(join(cache.dir, k.slice(0, 2), k, 'manifest.json'), past, past);
    }
    await cache.get(keys[0]!); // touching the oldest makes it the newest
    const r = await cache.prune(1500);
    assert.deepEqual([r.removed, r.freedBytes, r.remainingBytes], [2, 2000, 1000]);
    assert.ok(await cache.get(keys[0]!));
    assert.equal(await cache.get(keys[1]!), undefined);
    assert.equal(await cache.get(keys[2]!), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
