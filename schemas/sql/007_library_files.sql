-- What dubarr decided about each file of the user's library that a watched folder or a backfill
-- (`dubarr scan`, GraphQL scanLibrary) looked at, for the content the file had then: a file is
-- processed once, and again only when its content changes. A restart reads one row per file (by
-- path, the primary key) instead of asking the jobs table, which retention thins out and which
-- keeps no record of a file that was skipped or failed for good.
CREATE TABLE library_files (
  path              TEXT PRIMARY KEY,
  size_bytes        INTEGER NOT NULL,
  mtime_ms          REAL NOT NULL,
  -- Size and sampled content hash (plugins/sdk/file-fingerprint.ts, the stage cache's identity of
  -- a source, without its mtime): a new mtime over the same bytes is not a new file. Taken when
  -- a job is queued for the file; '' for a file that needed none (it reads 8 MB of a large file),
  -- which any later change of size or mtime sends back to a fresh look.
  content           TEXT NOT NULL,
  -- queued/running/succeeded/failed/cancelled: the status of last_job_id (kept by the trigger
  -- below); 'failed' also when dubarr refused the file itself (unreadable, no audio: error_code
  -- says which, last_job_id is NULL); 'skipped': it already has every wanted language.
  outcome           TEXT NOT NULL CHECK (outcome IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'skipped')),
  error_code        TEXT,
  outcome_at        INTEGER NOT NULL,
  last_job_id       TEXT,
  -- JSON arrays of ISO 639-1 codes: what the last job was asked for, and what the file already
  -- had (audio tracks, sidecars, a dubbed version) or was done with before it.
  job_languages     TEXT NOT NULL DEFAULT '[]',
  covered_languages TEXT NOT NULL DEFAULT '[]',
  -- Jobs queued for this content; reset when the content changes. Failures are retried with
  -- backoff (watch.retry) from outcome_at while attempts < watch.retry.maxAttempts.
  attempts          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX library_files_job ON library_files (last_job_id) WHERE last_job_id IS NOT NULL;

-- The file follows its job in the same transaction, whichever process ran the job: a failure
-- retention later deletes is still known, and a restart needs no join with the jobs table.
CREATE TRIGGER library_files_follow_job AFTER UPDATE OF status ON jobs
BEGIN
  UPDATE library_files SET outcome = NEW.status, error_code = NEW.error_code, outcome_at = NEW.updated_at
    WHERE last_job_id = NEW.id;
END;

-- Deleting a job that is pending or is a file's record of success (retention deletes neither:
-- see 003) forgets the file, so it is looked at afresh, as before this table; a failed or
-- cancelled job retention deletes leaves what it taught (a permanent error is not retried).
CREATE TRIGGER library_files_forget_job AFTER DELETE ON jobs
BEGIN
  DELETE FROM library_files WHERE last_job_id = OLD.id AND outcome IN ('queued', 'running', 'succeeded');
  UPDATE library_files SET last_job_id = NULL WHERE last_job_id = OLD.id;
END;
