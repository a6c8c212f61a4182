import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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

test('discardSync takes an entry out at once; entries() lists what is on disk with its size', async () => {
  const dir = await tmp();
  try {
    const stored: Array<[string, number]> = [];
    const cache = new StageCache(join(dir, 'cache'), { onStored: (k, n) => stored.push([k, n]) });
    const keys = ['11', '22'].map((k) => k.repeat(32));
    for (const [i, k] of keys.entries()) {
      const f = join(dir, `f${i}`);
      await writeFile(f, Buffer.alloc(1000));
      await cache.put(k, 's:x', { files: { f }, data: { i } });
    }
    const listed = await cache.entries();
    assert.deepEqual(listed.map((e) => e.key).sort(), keys);
    assert.deepEqual(stored.map(([k, n]) => [k, n]), listed.map((e) => [e.key, e.sizeBytes]).sort(), 'sizes as stored: files + manifest');
    assert.ok(stored.every(([, n]) => n > 1000));
    assert.equal(cache.hasEntrySync(keys[0]!), true);
    assert.equal(cache.discardSync(keys[0]!), true);
    assert.equal(cache.hasEntrySync(keys[0]!), false);
    assert.equal(await cache.get(keys[0]!), undefined);
    assert.equal(cache.discardSync(keys[0]!), false, 'already gone');
    assert.deepEqual((await cache.entries()).map((e) => e.key), [keys[1]]);
    await cache.emptyTrash();
    assert.deepEqual(await readdir(join(cache.dir, '.trash')), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
