-- The outbox of completion notifications (notify.url): a row is written when a job ends and
-- deleted once delivered, so a notification outlives a restart or a `dubarr dub` that exits.
-- The body is the JSON sent, fixed when the job ended; no job foreign key: deleting a job does
-- not take back what was to be said about it.
CREATE TABLE notifications (
  id         INTEGER PRIMARY KEY,
  job_id     TEXT NOT NULL,
  event      TEXT NOT NULL,
  body       TEXT NOT NULL,
  attempts   INTEGER NOT NULL DEFAULT 0,
  -- When it may be tried next; a process sending it pushes this forward first (a lease).
  next_at    INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  last_error TEXT
);
CREATE INDEX notifications_due ON notifications (next_at);
