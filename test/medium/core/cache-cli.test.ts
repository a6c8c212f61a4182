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
