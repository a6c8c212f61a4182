/**
 * The per-file record of the library follows its job, whichever process (connection) moves
 * it, and reads by index: a real database file, with a second connection as another process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './database.js';
import { FILES_OF_JOB_SQL, JOB_ON_FILE_SQL, LIBRARY_FILE_SQL, LibraryFiles, type LibraryFile } from './library-files.js';
import { JobStore, PRIORITY } from './store.js';

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-library-'));
  const path = join(dir, 'dubarr.db');
  const server = new JobStore(openDatabase(path));
  const other = new JobStore(openDatabase(path));
  const files = new LibraryFiles(server.db);
  const job = (input: string) => server.createJob({ input, preset: 'p', targetLanguages: ['es'], origin: 'watch', priority: PRIORITY.watch }).id;
  const record = (path: string, jobId?: string): LibraryFile => ({
    path, sizeBytes: 10, mtimeMs: 1, content: '10:abc', outcome: 'queued', outcomeAt: 1, lastJobId: jobId,
    jobLanguages: ['es'], coveredLanguages: [], attempts: 1,
  });
  return { server, other, files, job, record, close: async () => { server.db.close(); other.db.close(); await rm(dir, { recursive: true, force: true }); } };
}

test('a file\'s record follows its job: running, then failed with its code, in another process too', async () => {
  const t = await setup();
  try {
    const id = t.job('/media/a.mkv');
    t.files.put(t.record('/media/a.mkv', id));
    t.other.claim(id, 'another-process');
    assert.equal(t.files.get('/media/a.mkv')?.outcome, 'running');
    const failed = t.other.finishJob(id, 'failed', { error: { code: 'E_NO_SPEECH', message: 'none' } });
    const f = t.files.get('/media/a.mkv')!;
    assert.deepEqual([f.outcome, f.errorCode, f.outcomeAt, f.attempts], ['failed', 'E_NO_SPEECH', failed.updatedAt, 1]);
    // Queued again by hand (`dubarr jobs retry`): pending again.
    t.server.retry(id);
    assert.equal(t.files.get('/media/a.mkv')?.outcome, 'queued');
    assert.deepEqual(t.files.ofJob(id).map((x) => x.path), ['/media/a.mkv']);
  } finally {
    await t.close();
  }
});

test('deleting a pending or succeeded job forgets its file; retention deleting a failed one keeps what the failure taught', async () => {
  const t = await setup();
  try {
    const done = t.job('/media/done.mkv');
    const failed = t.job('/media/failed.mkv');
    const pending = t.job('/media/pending.mkv');
    for (const [p, id] of [['/media/done.mkv', done], ['/media/failed.mkv', failed], ['/media/pending.mkv', pending]] as const) t.files.put(t.record(p, id));
    t.server.finishJob(done, 'succeeded');
    t.server.finishJob(failed, 'failed', { error: { code: 'E_NO_SPEECH', message: 'none' } });
    for (const id of [done, failed, pending]) t.other.deleteJob(id);
    assert.equal(t.files.get('/media/done.mkv'), undefined, 'a deleted success is forgotten: the file is looked at afresh');
    assert.equal(t.files.get('/media/pending.mkv'), undefined);
    const kept = t.files.get('/media/failed.mkv')!;
    assert.deepEqual([kept.outcome, kept.errorCode, kept.lastJobId], ['failed', 'E_NO_SPEECH', undefined]);
  } finally {
    await t.close();
  }
});

test('jobs another door put on a file are found by the file, newest first', async () => {
  const t = await setup();
  try {
    const old = t.job('/media/a.mkv');
    t.server.finishJob(old, 'succeeded');
    assert.equal(t.files.pendingJobOn('/media/a.mkv'), undefined);
    assert.equal(t.files.succeededJobOn('/media/a.mkv')?.id, old);
    const next = t.job('/media/a.mkv');
    assert.deepEqual(t.files.pendingJobOn('/media/a.mkv'), { ...t.files.job(next)!, status: 'queued', targetLanguages: ['es'] });
    t.server.finishJob(next, 'succeeded');
    assert.equal(t.files.succeededJobOn('/media/a.mkv')?.id, next);
  } finally {
    await t.close();
  }
});

test('every lookup a scan makes per file reads by index, never a whole table', async () => {
  const t = await setup();
  try {
    const plan = (sql: string, ...args: unknown[]) => (t.server.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail);
    const details = [
      ...plan(LIBRARY_FILE_SQL, '/a'),
      ...plan(FILES_OF_JOB_SQL, 'j'),
      ...plan(JOB_ON_FILE_SQL("'succeeded'"), '/a'),
      // The trigger each status change runs.
      ...plan("UPDATE library_files SET outcome = 'failed' WHERE last_job_id = ?", 'j'),
    ];
    assert.deepEqual(details.filter((d) => /^SCAN /.test(d)), [], details.join('\n'));
    assert.ok(details.some((d) => d.includes('library_files_job')) && details.some((d) => d.includes('jobs_input')), details.join('\n'));
  } finally {
    await t.close();
  }
});
