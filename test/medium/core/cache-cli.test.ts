import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openStageCache } from '../../../core/jobs/cache-index.js';
import { workspace } from './cli-harness.js';

test('cache prune (another process) removes results nobody needs and keeps those a queued job needs', async () => {
  const w = await workspace('cache-prune');
  try {
    const steps = ['a', 'b'].map((id, i) => ({ id, capability: 'slow', inputs: i ? { prev: 'a' } : { source: 'source' }, params: { ms: 10, step: id } }));
    await writeFile(join(w.dir, 'data', 'presets', 'quick.json'), JSON.stringify({ steps }));
    const other = join(w.dir, 'other.bin');
    await writeFile(other, 'another movie\n');
    for (const input of [w.input, other]) assert.equal((await w.run('dub', input, '--preset', 'quick', '--to', 'es')).code, 0);

    const store = w.store();
    const keysOf = (input: string) => store.listJobs().filter((j) => j.input === input).flatMap((j) => store.stageRuns(j.id).map((r) => r.cacheKey!));
    // A job on the first movie waits in the queue (a server would take it).
    store.createJob({ input: w.input, preset: 'quick', targetLanguages: ['es'], origin: 'cli' });
    const r = await w.run('cache', 'prune', '--max-size', '0');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^removed 2 entries, freed [\d.]+ MB, [\d.]+ MB remain \(2 entries kept: queued or running jobs need them\)\n$/);
    const { cache } = openStageCache(store.db, join(w.dir, 'data', 'cache'));
    assert.deepEqual((await cache.entries()).map((e) => e.key).sort(), keysOf(w.input).sort());
    assert.ok(keysOf(other).every((k) => !cache.hasEntrySync(k)));
    store.db.close();
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});

test('dubarr dub prunes the cache to cache.maxSizeGb after its job, before the process exits', async () => {
  // Entries are ~20 KB: room for one job's two, not for a third.
  const limit = 50_000;
  const w = await workspace('dub-prune', { extraConfig: [`cache: { maxSizeGb: ${limit / 1e9} }`] });
  try {
    const steps = ['a', 'b'].map((id, i) => ({ id, capability: 'slow', inputs: i ? { prev: 'a' } : { source: 'source' }, params: { ms: 10, step: id, bytes: 20_000 } }));
    await writeFile(join(w.dir, 'data', 'presets', 'quick.json'), JSON.stringify({ steps }));
    const other = join(w.dir, 'other.bin');
    await writeFile(other, 'another movie\n');
    for (const input of [w.input, other]) {
      const r = await w.run('dub', input, '--preset', 'quick', '--to', 'es');
      assert.equal(r.code, 0, r.err);
    }

    const store = w.store();
    const keysOf = (input: string) => store.listJobs().filter((j) => j.input === input).flatMap((j) => store.stageRuns(j.id).map((r) => r.cacheKey!));
    const { cache, index } = openStageCache(store.db, join(w.dir, 'data', 'cache'));
    const onDisk = await cache.entries();
    const size = onDisk.reduce((n, e) => n + e.sizeBytes, 0);
    assert.ok(size <= limit, `${onDisk.length} entries, ${size} bytes on disk after two dubs: over the ${limit}-byte limit`);
    assert.deepEqual(onDisk.map((e) => e.key).sort(), keysOf(other).sort(), 'the second dub\'s results stay, the first\'s (least recently used) went');
    assert.equal(index.totalBytes(), size, 'the index agrees with the folder');
    store.db.close();
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});
