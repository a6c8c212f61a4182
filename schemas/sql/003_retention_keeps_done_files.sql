-- Retention never deletes the newest succeeded job of a file: that row is the record that the
-- file is done, which a watch folder reads at every start to skip it. A succeeded job is
-- superseded once a later job on the same input succeeds; only then may retention take it.

ALTER TABLE jobs ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0;

UPDATE jobs SET superseded = 1 WHERE status = 'succeeded' AND EXISTS (
  SELECT 1 FROM jobs AS later WHERE later.input = jobs.input AND later.status = 'succeeded'
    AND (later.finished_at > jobs.finished_at OR (later.finished_at = jobs.finished_at AND later.rowid > jobs.rowid)));

-- Kept by the database, so every way a job can succeed (this process, another one) supersedes.
CREATE TRIGGER jobs_success_supersedes AFTER UPDATE OF status ON jobs
  WHEN NEW.status = 'succeeded' AND OLD.status IS NOT 'succeeded'
BEGIN
  UPDATE jobs SET superseded = 1 WHERE input = NEW.input AND status = 'succeeded' AND id <> NEW.id AND superseded = 0;
END;

-- What retention may delete, by end time. The files' records are not in it, so a pass over a
-- library of old dubs reads only the rows it deletes.
DROP INDEX jobs_finished;
CREATE INDEX jobs_expirable ON jobs (finished_at)
  WHERE status IN ('failed', 'cancelled') OR (status = 'succeeded' AND superseded = 1);
