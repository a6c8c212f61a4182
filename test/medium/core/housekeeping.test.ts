/**
 * The data dir stays bounded without anyone running a command: after jobs the stage cache is
 * pruned to cache.maxSizeGb (never what a queued or running job needs) and finished jobs past
 * jobs.retentionDays go with their stage runs, events and kept work folders. Real runtime, real
 * SQLite, real cache folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { createRuntime, type Runtime } from '../../../core/app/runtime.js';
import { openDatabase } from '../../../core/jobs/database.js';
import { JobStore } from '../../../core/jobs/store.js';
import type { PresetInput } from '../../../core/pipeline/plan.js';
import type { FileDecision } from '../../../core/library/file-decision.js';
import { watchFolders } from '../../../core/watch/folder-watcher.js';
import { h264AacMp4 } from '../../fixtures/media.js';
import { poll } from './cli-harness.js';
import { finished, testRuntime, waitFor } from './harness.js';

const ENTRY_BYTES = 2000;
const two: PresetInput = {
  steps: [
    { id: 'a', capability: 'slow', inputs: { source: 'source' }, params: { ms: 10, step: 'a', bytes: ENTRY_BYTES } },
    { id: 'b', capability: 'slow', inputs: { a: 'a' }, params: { ms: 10, step: 'b', bytes: ENTRY_BYTES } },
  ],
};
const blocking: PresetInput = { steps: [{ id: 'wait', capability: 'native-like', inputs: { source: 'source' }, params: { ms: 120_000 } }] };

test('after jobs the cache is pruned to cache.maxSizeGb, least recently used first, keeping what a queued job needs', async () => {
  // Entries are ~2.3 KB (file + manifest): room for the queued job's two and one more.
  const limit = 8000;
  const t = await testRuntime({ two, blocking }, { jobs: { concurrency: 1 }, cache: { maxSizeGb: limit / 1e9 } });
  try {
    const input = async (name: string) => { const p = join(t.dir, name); await writeFile(p, `${name}\n`); return p; };
    const movie = await input('movie.bin');
    const spec = (path: string, preset = 'two') => ({ input: path, preset, targetLanguages: [], origin: 'cli' as const });
    const keysOf = (jobId: string) => t.rt.store.stageRuns(jobId).map((r) => r.cacheKey!);

    const first = t.rt.scheduler.submit(spec(movie));
    assert.equal((await finished(t, first.id)).status, 'succeeded');
    // The only job slot is taken by a job that waits; a second job on the same movie queues behind it.
    const holder = t.rt.scheduler.submit(spec(await input('holder.bin'), 'blocking'));
    await waitFor(t, (e) => e.jobId === holder.id && e.type === 'stage.started');
    const queued = t.rt.scheduler.submit(spec(movie));
    assert.equal(t.rt.store.getJob(queued.id).status, 'queued');
    // Meanwhile other jobs run here (as `dubarr dub` does) and fill the cache past its limit.
    const others = [];
    for (const name of ['x.bin', 'y.bin', 'z.bin']) {
      const { job, done } = t.rt.scheduler.runNow(spec(await input(name)));
      assert.equal((await done).status, 'succeeded');
      others.push(job);
    }
    await t.rt.housekeeping.idle();

    const onDisk = await t.rt.cache.entries();
    const size = onDisk.reduce((n, e) => n + e.sizeBytes, 0);
    assert.ok(size <= limit, `cache holds ${size} bytes, over the ${limit} limit`);
    assert.equal(t.rt.cacheIndex.totalBytes(), size, 'the index agrees with the folder');
    const kept = new Set(onDisk.map((e) => e.key));
    assert.ok(keysOf(first.id).every((k) => kept.has(k)), 'the queued job\'s entries (oldest of all) survived');
    assert.ok(keysOf(others[0]!.id).every((k) => !kept.has(k)), 'the least recently used unneeded entries went');
    assert.ok(keysOf(others[2]!.id).some((k) => kept.has(k)), 'the newest stayed while there was room');

    t.rt.scheduler.cancel(holder.id);
    assert.equal((await finished(t, queued.id)).status, 'succeeded');
    assert.deepEqual(t.rt.store.stageRuns(queued.id).map((r) => r.status), ['cached', 'cached'], 'and the queued job used them');
  } finally {
    await t.close();
  }
});

test('finished jobs past jobs.retentionDays go with their stage runs, events and kept work folder; recent and unfinished ones stay', async () => {
  const quick: PresetInput = { steps: [{ id: 'only', capability: 'noop', inputs: { source: 'source' } }] };
  const t = await testRuntime({ quick, blocking }, { jobs: { retentionDays: 30, concurrency: 2 } });
  try {
    const run = async () => {
      const job = t.rt.scheduler.submit({ input: t.input, preset: 'quick', targetLanguages: [], origin: 'cli' });
      assert.equal((await finished(t, job.id)).status, 'succeeded');
      return job.id;
    };
    // All on one file, so `old` is not that file's newest success (which retention keeps).
    const [old, recent] = [await run(), await run()];
    // On a file of its own: a job on t.input would wait for it (one running job per file).
    const other = join(t.dir, 'other.bin');
    await writeFile(other, 'another file\n');
    const waiting = t.rt.scheduler.submit({ input: other, preset: 'blocking', targetLanguages: [], origin: 'cli' });
    await waitFor(t, (e) => e.jobId === waiting.id && e.type === 'stage.started');
    await t.rt.housekeeping.idle(); // the passes those jobs asked for are done before we age them
    const day = 86_400_000;
    const age = (id: string, days: number) => t.rt.store.db.prepare('UPDATE jobs SET created_at = ?, finished_at = ? WHERE id = ?').run(Date.now() - days * day, Date.now() - days * day, id);
    age(old, 31);
    age(recent, 29);
    t.rt.store.db.prepare('UPDATE jobs SET created_at = ? WHERE id = ?').run(Date.now() - 400 * day, waiting.id);
    const workDir = join(t.rt.config.cache.dir, '.work', old);
    await mkdir(workDir, { recursive: true });
    await writeFile(join(workDir, 'kept-for-debugging.txt'), 'x');
    const count = (table: string, id: string) => (t.rt.store.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE job_id = ?`).get(id) as { n: number }).n;
    assert.ok(count('events', old) > 0 && count('stage_runs', old) > 0);

    await run(); // a job ending is what triggers it
    await t.rt.housekeeping.idle();
    assert.throws(() => t.rt.store.getJob(old), /No job/);
    assert.deepEqual([count('events', old), count('stage_runs', old)], [0, 0]);
    assert.ok(!existsSync(workDir), 'its kept work folder went too');
    assert.equal(t.rt.store.getJob(recent).status, 'succeeded');
    assert.ok(count('events', recent) > 0);
    assert.equal(t.rt.store.getJob(waiting.id).status, 'running', 'an old job that has not finished stays');
    assert.ok(existsSync(t.input), 'the input file is the user\'s');
    t.rt.scheduler.cancel(waiting.id);
    await finished(t, waiting.id);
  } finally {
    await t.close();
  }
});

test('a server applies retention when it starts, before any job runs', async () => {
  const quick: PresetInput = { steps: [{ id: 'only', capability: 'noop', inputs: { source: 'source' } }] };
  const t = await testRuntime({ quick }, { jobs: { retentionDays: 30 } });
  // Two runs on one file: the later one is the record that the file is done, the earlier may go.
  const run = async () => {
    const j = t.rt.scheduler.submit({ input: t.input, preset: 'quick', targetLanguages: [], origin: 'cli' });
    assert.equal((await finished(t, j.id)).status, 'succeeded');
    return j;
  };
  const job = await run();
  const record = await run();
  await t.rt.housekeeping.idle();
  t.rt.store.db.prepare('UPDATE jobs SET finished_at = ? WHERE id = ?').run(Date.now() - 31 * 86_400_000, job.id);
  await t.rt.close();
  const again = await createRuntime(t.rt.config, { takeQueued: true, log: pino({ level: 'silent' }) });
  try {
    await again.housekeeping.idle();
    assert.throws(() => again.store.getJob(job.id), /No job/);
    assert.equal(again.store.getJob(record.id).status, 'succeeded');
  } finally {
    await again.close();
    await t.close();
  }
});

test('a watched file that was dubbed is not dubbed again after its job is past jobs.retentionDays, nor when 500 newer jobs exist; a later success lets the old job go', async () => {
  const quick: PresetInput = { steps: [{ id: 'only', capability: 'noop', inputs: { source: 'source' } }] };
  const day = 86_400_000;
  const t = await testRuntime({ quick }, { jobs: { retentionDays: 30 }, watch: { enabled: true, folders: [{ path: 'watch', preset: 'quick', stabilitySeconds: 0.05 }] } });
  const movie = join(t.dir, 'watch', 'Movie.mkv');
  let again: Runtime | undefined;
  try {
    // The first server: the watch folder queues the movie and it is dubbed.
    const first = watchFolders(t.rt)!;
    await first.ready;
    await copyFile(await h264AacMp4(), movie);
    const done = await waitFor(t, (e) => e.type === 'job.succeeded');
    await first.close();
    await t.rt.housekeeping.idle();
    const record = t.rt.store.getJob(done.jobId);
    assert.deepEqual([record.input, record.origin], [movie, 'watch']);
    // Time passes: the job ended longer ago than retention, and the library's other 600 files were dubbed since.
    t.rt.store.db.prepare('UPDATE jobs SET created_at = ?, finished_at = ? WHERE id = ?').run(Date.now() - 100 * day, Date.now() - 100 * day, record.id);
    t.rt.store.transaction(() => {
      for (let i = 0; i < 600; i++) {
        const other = t.rt.store.createJob({ input: join(t.dir, 'watch', `Other ${i}.mkv`), preset: 'quick', targetLanguages: [], origin: 'watch' });
        t.rt.store.finishJob(other.id, 'succeeded');
      }
    });
    await t.rt.close();

    // The server starts again: retention runs first here (at start), then the watcher sees the movie.
    again = await createRuntime(t.rt.config, { takeQueued: true, presets: { quick }, log: pino({ level: 'silent' }) });
    await again.housekeeping.idle();
    assert.equal(again.store.getJob(record.id).status, 'succeeded', 'retention kept the record that the movie is done');
    const watcher = watchFolders(again)!;
    const decisions: FileDecision[] = [];
    watcher.on('decision', (d) => decisions.push(d));
    try {
      await watcher.ready;
      assert.deepEqual(decisions.map((d) => [d.path, d.reason]), [[movie, 'done']]);
    } finally {
      await watcher.close();
    }
    assert.deepEqual(again.store.listJobs({ limit: 1000 }).filter((j) => j.input === movie).map((j) => j.id), [record.id], 'the movie was not queued again');

    // Dubbed once more (say, into another language): that job is now the record, and the old one may go.
    const second = again.scheduler.submit({ input: movie, preset: 'quick', targetLanguages: [], origin: 'cli' });
    const ended = await poll(() => { const j = again!.store.getJob(second.id); return j.finishedAt ? j : undefined; }, 60_000, 'the second job to end');
    assert.equal(ended.status, 'succeeded');
    await again.housekeeping.idle();
    assert.throws(() => again!.store.getJob(record.id), /No job/);
    assert.equal(again.store.getJob(second.id).status, 'succeeded');
  } finally {
    await again?.close();
    await t.close();
  }
});

/** An async method of `obj` that, once called, waits until the test releases it (then runs the real one). */
function holdOpen<T extends object, K extends keyof T>(obj: T, method: K) {
  const real = (obj[method] as (...a: unknown[]) => Promise<unknown>).bind(obj);
  let release!: () => void;
  const released = new Promise<void>((r) => { release = r; });
  let entered!: () => void;
  const reached = new Promise<void>((r) => { entered = r; });
  (obj as Record<K, unknown>)[method] = async (...a: unknown[]) => { entered(); await released; return real(...a); };
  return { reached, release };
}

test('serve\'s close() does not wait for a housekeeping pass held open (the start-up reconcile); the pass then ends without touching the closed database', async () => {
  const lines: Array<{ level: number; msg: string; err?: string }> = [];
  const log = pino({ level: 'warn' }, { write: (l: string) => { lines.push(JSON.parse(l) as { level: number; msg: string }); } });
  const t = await testRuntime({ blocking }, {}, { log });
  // The start-up pass was asked for inside createRuntime and starts on a later turn: its walk of the cache folder is held.
  const walk = holdOpen(t.rt.cache, 'entries');
  try {
    await walk.reached;
    // A running job: stopping it asks for another pass, as every job a shutdown stops does.
    const job = t.rt.scheduler.submit({ input: t.input, preset: 'blocking', targetLanguages: [], origin: 'watch' });
    await waitFor(t, (e) => e.jobId === job.id && e.type === 'stage.started');
    await t.rt.close(); // resolves although the pass is held
    assert.equal(t.rt.store.db.open, false);
    const store = new JobStore(openDatabase(t.rt.config.database.path));
    assert.equal(store.getJob(job.id).status, 'queued', 'the running job went back to the queue');
    store.db.close();

    walk.release();
    await t.rt.housekeeping.idle();
    assert.deepEqual(lines.map((l) => `${l.msg} ${l.err ?? ''}`), [], 'the released pass stopped at its next check: no query on the closed database, nothing logged');
  } finally {
    walk.release();
    await t.close();
  }
});

test('the CLI\'s close() waits for the pass its job asked for (held open): the cache is pruned before the database closes', async () => {
  const t = await testRuntime({ two }, { cache: { maxSizeGb: 1000 / 1e9 } }, { takeQueued: false });
  const trash = holdOpen(t.rt.cache, 'emptyTrash');
  try {
    const { done } = t.rt.scheduler.runNow({ input: t.input, preset: 'two', targetLanguages: [], origin: 'cli' });
    assert.equal((await done).status, 'succeeded');
    await trash.reached; // the pass has evicted the job's two entries (over the limit) and is deleting them
    let closed = false;
    const closing = t.rt.close({ finishHousekeeping: true }).then(() => { closed = true; });
    // Everything else close() waits for: once the pool is closed, a close that did not wait would
    // close the database in the same turn.
    await t.rt.pool.close();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual([closed, t.rt.store.db.open], [false, true], 'close() waits for the pass; the database is still open');
    trash.release();
    await closing;
    assert.equal(t.rt.store.db.open, false);
    assert.deepEqual(await readdir(join(t.rt.config.cache.dir, '.trash')), [], 'the evicted entries are deleted');
    assert.deepEqual(await t.rt.cache.entries(), []);
  } finally {
    trash.release();
    await t.close();
  }
});
