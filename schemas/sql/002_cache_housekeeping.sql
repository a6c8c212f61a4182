-- What automatic cache pruning and job retention read, so each costs a few indexed rows instead
-- of a walk over the cache folder or a scan of every job.

-- One row per stage cache entry: its size and when a job last used it (the LRU clock).
CREATE TABLE cache_entries (
  key          TEXT PRIMARY KEY,
  size_bytes   INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX cache_entries_lru ON cache_entries (last_used_at, key);

-- The cache's total size, kept by triggers: checking it after every job reads one row.
CREATE TABLE cache_totals (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  entries INTEGER NOT NULL,
  bytes   INTEGER NOT NULL
);
INSERT INTO cache_totals (id, entries, bytes) VALUES (1, 0, 0);
CREATE TRIGGER cache_entries_added AFTER INSERT ON cache_entries BEGIN
  UPDATE cache_totals SET entries = entries + 1, bytes = bytes + NEW.size_bytes WHERE id = 1;
END;
CREATE TRIGGER cache_entries_removed AFTER DELETE ON cache_entries BEGIN
  UPDATE cache_totals SET entries = entries - 1, bytes = bytes - OLD.size_bytes WHERE id = 1;
END;
CREATE TRIGGER cache_entries_resized AFTER UPDATE OF size_bytes ON cache_entries BEGIN
  UPDATE cache_totals SET bytes = bytes - OLD.size_bytes + NEW.size_bytes WHERE id = 1;
END;

-- Whether a queued or running job needs an entry: the stage runs that recorded it, and the jobs
-- on the same input file.
CREATE INDEX stage_runs_cache_key ON stage_runs (cache_key) WHERE cache_key IS NOT NULL;
CREATE INDEX jobs_input ON jobs (input);

-- Retention: finished jobs older than jobs.retentionDays.
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
