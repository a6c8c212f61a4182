-- The files each succeeded job delivered into the user's library (the mux's new video, the
-- in-place result, subtitle sidecars), as they were when it finished. A watched folder skips a
-- file a succeeded job delivered: an in-place job on Movie.ts writes Movie.mkv (MPEG-TS, AVI and
-- some MP4 sources come out as MKV), which would otherwise look like a new video and be dubbed
-- again. Size and mtime tell that very file from a later, different one at the same path (a new
-- release the user put there), which is dubbed.
--
-- Rows are written in the transaction that marks their job succeeded, so only succeeded jobs
-- have them, and they go with their job (retention keeps each input file's newest succeeded
-- job, see 003, and with it the record of what that job delivered).
CREATE TABLE job_outputs (
  job_id     TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  path       TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  mtime_ms   REAL NOT NULL,
  PRIMARY KEY (job_id, path)
) WITHOUT ROWID;
-- The watcher's question, for every file of the library at each start: one lookup by path.
CREATE INDEX job_outputs_path ON job_outputs (path);
