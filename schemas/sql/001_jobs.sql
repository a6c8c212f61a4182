-- Jobs, the runs of their stages, and their event log. Forward-only: never edit a landed file.
CREATE TABLE jobs (
  id               TEXT PRIMARY KEY,
  input            TEXT NOT NULL,
  preset           TEXT NOT NULL,
  source_language  TEXT,
  target_languages TEXT NOT NULL,           -- JSON array of ISO 639-1 codes
  options          TEXT NOT NULL,           -- JSON: mode, outDir, providers, plugin options ...
  plan             TEXT,                    -- JSON stage graph, fixed when the job first starts
  status           TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  priority         INTEGER NOT NULL,        -- 0 interactive, 1 watch folder / webhook, 2 backfill
  origin           TEXT NOT NULL,           -- cli, api, watch, webhook, backfill
  owner            TEXT,                    -- host:pid of the process running it
  heartbeat_at     INTEGER,
  attempts         INTEGER NOT NULL DEFAULT 0,
  cancel_requested INTEGER NOT NULL DEFAULT 0,   -- set by another process (the CLI); the owner aborts the job
  progress         REAL NOT NULL DEFAULT 0,
  progress_note    TEXT,
  error_code       TEXT,
  error_message    TEXT,
  result           TEXT,                    -- JSON: outputs and the QA report
  created_at       INTEGER NOT NULL,
  started_at       INTEGER,
  finished_at      INTEGER,
  updated_at       INTEGER NOT NULL
);
CREATE INDEX jobs_queue ON jobs (status, priority, created_at);

CREATE TABLE stage_runs (
  id            INTEGER PRIMARY KEY,
  job_id        TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  step          TEXT NOT NULL,              -- step id in the plan: 'vad', 'translate:es'
  stage_id      TEXT,                       -- 'silero-vad:vad'
  provider      TEXT,
  status        TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'cached', 'failed', 'cancelled', 'skipped')),
  cache_key     TEXT,
  attempt       INTEGER NOT NULL DEFAULT 1,
  started_at    INTEGER NOT NULL,
  finished_at   INTEGER,
  duration_ms   INTEGER,
  error_code    TEXT,
  error_message TEXT,
  artifacts     TEXT                        -- JSON: { files, hash }
);
CREATE INDEX stage_runs_job ON stage_runs (job_id, id);

CREATE TABLE events (
  id     INTEGER PRIMARY KEY,
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  ts     INTEGER NOT NULL,
  type   TEXT NOT NULL,
  step   TEXT,
  data   TEXT
);
CREATE INDEX events_job ON events (job_id, id);
