import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { packageRoot } from '../app/paths.js';
import { migrate } from './database.js';
import { JobStore, type JobStatus } from './store.js';

const MIGRATIONS = join(packageRoot, 'schemas', 'sql');
const DAY = 86_400_000;

test('retention keeps each file\'s newest succeeded job, also for jobs that finished before the upgrade that added the rule', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dubarr-retention-'));
  try {
    // A database as the previous release left it: migrations up to 002, years of jobs.
    const before = join(dir, 'sql-002');
    mkdirSync(before);
    for (const f of ['001_jobs.sql', '002_cache_housekeeping.sql']) copyFileSync(join(MIGRATIONS, f), join(before, f));
    const db = new Database(join(dir, 'dubarr.db'));
    db.pragma('foreign_keys = ON');
    migrate(db, before);
    let n = 0;
    const ended = (input: string, status: Exclude<JobStatus, 'queued' | 'running'>, daysAgo: number) => {
      const id = `job${n++}`;
      const at = Date.now() - daysAgo * DAY;
      db.prepare(`INSERT INTO jobs (id, input, preset, target_languages, options, status, priority, origin, created_at, finished_at, updated_at)
                  VALUES (?, ?, 'p', '["es"]', '{}', ?, 1, 'watch', ?, ?, ?)`).run(id, input, status, at, at, at);
      return id;
    };
    const movieOld = ended('/m/movie.mkv', 'succeeded', 400);
    const movieNewest = ended('/m/movie.mkv', 'succeeded', 200);
    const movieFailed = ended('/m/movie.mkv', 'failed', 100);
    const showOnly = ended('/m/show.mkv', 'succeeded', 300);
    const clipCancelled = ended('/m/clip.mkv', 'cancelled', 300);
    const recentFailed = ended('/m/clip.mkv', 'failed', 10);

    assert.ok(migrate(db).includes('003_retention_keeps_done_files.sql'));
    const store = new JobStore(db);
    const gone = store.deleteFinishedBefore(Date.now() - 90 * DAY);
    assert.deepEqual(gone.sort(), [movieOld, movieFailed, clipCancelled].sort());
    const left = (db.prepare('SELECT id FROM jobs').all() as { id: string }[]).map((r) => r.id).sort();
    assert.deepEqual(left, [movieNewest, showOnly, recentFailed].sort(), 'each file\'s newest success (and recent jobs) stay');

    // A new success on the movie (in any process: the database keeps the rule) replaces its record.
    const again = store.createJob({ input: '/m/movie.mkv', preset: 'p', targetLanguages: ['ca'], origin: 'cli' });
    store.finishJob(again.id, 'succeeded');
    assert.deepEqual(store.deleteFinishedBefore(Date.now() - 90 * DAY), [movieNewest]);
    assert.deepEqual(store.deleteFinishedBefore(Date.now() + DAY), [recentFailed], 'even with every job past the cutoff, the records stay');
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
