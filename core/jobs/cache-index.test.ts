import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENTRY_NEEDED_SQL, openStageCache } from './cache-index.js';
import { pruneCache } from './cache-prune.js';
import { openDatabase } from './database.js';
import { EXPIRE_JOBS_SQL, JobStore, PENDING_OR_SUCCEEDED_SQL } from './store.js';

/** A real database file and cache folder; entries of ~1 KB each. */
async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-cache-index-'));
  const db = openDatabase(join(dir, 'dubarr.db'));
  const store = new JobStore(db);
  const { cache, index } = openStageCache(db, join(dir, 'cache'));
  let n = 0;
  const put = async (key: string) => {
    const f = join(dir, `f${n++}`);
    await writeFile(f, Buffer.alloc(1000, n));
    return cache.put(key, 's:x', { files: { f } });
  };
  const job = (input: string) => store.createJob({ input, preset: 'p', targetLanguages: [], origin: 'cli' });
  const record = (jobId: string, key: string) => store.finishStageRun(store.startStageRun({ jobId, step: 's', cacheKey: key }), 'succeeded');
  return { dir, db, store, cache, index, put, job, record, close: async () => { db.close(); await rm(dir, { recursive: true, force: true }); } };
}

const key = (c: string) => c.repeat(64);

test('a prune told to stop queries nothing after its next await (a server shutting down closes the database meanwhile)', async () => {
  const t = await setup();
  try {
    for (const k of ['a', 'b', 'c']) await t.put(key(k));
    let stopping = false;
    const prune = pruneCache(t.index, t.cache, 0, () => stopping);
    // The first page is evicted before the prune first lets other work run; then the server stops.
    stopping = true;
    t.db.close();
    const r = await prune;
    assert.deepEqual([r.evicted, r.remainingBytes], [3, 0]);
    assert.equal((await readdir(join(t.cache.dir, '.trash'))).length, 3, 'the trash is left for the next start to delete');
  } finally {
    await t.close();
  }
});

test('pruning evicts least recently used entries down to the limit; the total is kept by the database', async () => {
  const t = await setup();
  try {
    for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) {
      await t.put(key(k));
      t.index.stored(key(k), 0, 1000 + i); // a known LRU order: a oldest
    }
    const each = (await t.cache.entries())[0]!.sizeBytes;
    assert.equal(t.index.totalBytes(), 4 * each);
    // Using 'a' makes it the newest.
    assert.equal(t.index.claimHit(key('a'), () => undefined, 2000), true);
    const r = await pruneCache(t.index, t.cache, 2 * each + 10);
    assert.deepEqual([r.evicted, r.freedBytes, r.kept, r.remainingBytes], [2, 2 * each, 0, 2 * each]);
    assert.deepEqual((await t.cache.entries()).map((e) => e.key).sort(), [key('a'), key('d')]);
    assert.equal(t.index.totalBytes(), 2 * each);
    assert.deepEqual((await pruneCache(t.index, t.cache, 2 * each)).evicted, 0, 'at the limit: nothing to do');
  } finally {
    await t.close();
  }
});

test('an entry a queued or running job needs is never evicted, even when it is the oldest', async () => {
  const t = await setup();
  try {
    for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) { await t.put(key(k)); t.index.stored(key(k), 0, 1000 + i); }
    const each = (await t.cache.entries())[0]!.sizeBytes;
    // 'a' was made by a finished job on movie.mkv, and another job on movie.mkv is queued.
    const earlier = t.job('/media/movie.mkv');
    t.record(earlier.id, key('a'));
    t.store.finishJob(earlier.id, 'succeeded');
    t.job('/media/movie.mkv');
    // 'b' belongs to a running job (resumed after a restart: its finished stages are in the cache).
    const running = t.job('/media/other.mkv');
    t.store.claim(running.id, 'me');
    t.record(running.id, key('b'));
    // 'c' was made by a finished job on a file nobody is working on.
    const done = t.job('/media/done.mkv');
    t.record(done.id, key('c'));
    t.store.finishJob(done.id, 'succeeded');
    assert.deepEqual(['a', 'b', 'c', 'd'].map((k) => t.index.isNeeded(key(k))), [true, true, false, false]);

    const r = await pruneCache(t.index, t.cache, 0);
    assert.deepEqual([r.evicted, r.kept, r.remainingBytes], [2, 2, 2 * each]);
    assert.deepEqual((await t.cache.entries()).map((e) => e.key).sort(), [key('a'), key('b')]);
  } finally {
    await t.close();
  }
});

test('a cache hit read just before an eviction is not recorded: the job runs the stage instead', async () => {
  const t = await setup();
  try {
    await t.put(key('a'));
    const hit = await t.cache.get(key('a'));
    assert.ok(hit);
    assert.equal(t.index.evict(key('a')), 'evicted', 'nothing recorded it yet, so it may go');
    const job = t.job('/media/movie.mkv');
    const claimed = t.index.claimHit(key('a'), () => t.record(job.id, key('a')));
    assert.equal(claimed, false);
    assert.deepEqual(t.store.stageRuns(job.id), [], 'no stage run points at the removed entry');
    // And once a hit is recorded, the entry is protected for as long as its job is not finished.
    await t.put(key('a'));
    assert.equal(t.index.claimHit(key('a'), () => t.record(job.id, key('a'))), true);
    assert.equal(t.index.evict(key('a')), 'needed');
  } finally {
    await t.close();
  }
});

test('reconcile indexes entries the index does not know and drops rows whose entry is gone', async () => {
  const t = await setup();
  try {
    await t.put(key('a'));
    await t.put(key('b'));
    // Entries from before the index existed: remove their rows behind its back.
    t.db.prepare('DELETE FROM cache_entries').run();
    assert.equal(t.index.totalBytes(), 0);
    t.index.stored(key('z'), 123); // a row whose entry someone deleted by hand
    const r = t.index.reconcile(await t.cache.entries());
    assert.deepEqual(r, { added: 2, dropped: 1 });
    const onDisk = await t.cache.entries();
    assert.equal(t.index.totalBytes(), onDisk.reduce((n, e) => n + e.sizeBytes, 0));
    assert.deepEqual(t.index.reconcile(onDisk), { added: 0, dropped: 0 });
  } finally {
    await t.close();
  }
});

test('the queries run per job and per eviction read by index, never a whole table', async () => {
  const t = await setup();
  try {
    const plan = (sql: string, ...args: unknown[]) => (t.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail);
    const sources = [...plan(ENTRY_NEEDED_SQL, 'k'), ...plan(EXPIRE_JOBS_SQL, 1, 1), ...plan('SELECT bytes FROM cache_totals WHERE id = 1')];
    const scans = sources.filter((d) => /^SCAN /.test(d));
    assert.deepEqual(scans, [], sources.join('\n'));
    assert.ok(sources.some((d) => d.includes('stage_runs_cache_key')) && sources.some((d) => d.includes('jobs_expirable')), sources.join('\n'));
    // "Is a job on the same file queued or running" looks up that file's jobs by input; a list
    // of every queued or running job's input, built per call (LIST SUBQUERY), costs as many
    // rows as the queue is long, at every eviction.
    const watched = plan(PENDING_OR_SUCCEEDED_SQL, '/media/movie.mkv');
    assert.ok(watched.some((d) => /\bjobs_input\b/.test(d)) && !watched.some((d) => /^SCAN /.test(d)), watched.join('\n'));
    const needed = plan(ENTRY_NEEDED_SQL, 'k');
    assert.ok(needed.some((d) => /\bjobs_input\b/.test(d)), needed.join('\n'));
    assert.deepEqual(needed.filter((d) => /LIST SUBQUERY|BLOOM|AUTOMATIC/.test(d)), [], needed.join('\n'));
  } finally {
    await t.close();
  }
});

test('an entry already gone from the folder is not counted as evicted or freed (someone deleted it, or another process pruned it first)', async () => {
  const t = await setup();
  try {
    for (const [i, k] of ['a', 'b'].entries()) { await t.put(key(k)); t.index.stored(key(k), 0, 1000 + i); }
    const [a, b] = (await t.cache.entries()).sort((x, y) => x.key.localeCompare(y.key));
    await rm(a!.dir, { recursive: true, force: true }); // by hand: the index still lists it
    const r = await pruneCache(t.index, t.cache, 0);
    assert.deepEqual([r.evicted, r.freedBytes, r.kept, r.remainingBytes], [1, b!.sizeBytes, 0, 0], 'only b was removed by this prune');
    assert.deepEqual(await t.cache.entries(), []);

    // Two prunes at once: both read c in their LRU page; the other process removes it first.
    await t.put(key('c'));
    const other = openDatabase(join(t.dir, 'dubarr.db'));
    try {
      assert.equal(openStageCache(other, join(t.dir, 'cache')).index.evict(key('c')), 'evicted');
      assert.equal(t.index.evict(key('c')), 'gone', 'this one removed nothing');
    } finally {
      other.close();
    }
  } finally {
    await t.close();
  }
});
