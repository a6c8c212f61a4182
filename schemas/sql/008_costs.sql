-- The cost ledger: what cloud providers were paid (or are about to be) per job and step.
-- A row is written before a billable request (state 'reserved', the estimate), so budgets are
-- checked before spending and two stages cannot both pass the last dollar; it is settled with
-- what the vendor billed, or deleted when nothing was. A reservation a stopped process left
-- behind becomes 'unconfirmed' when its job runs again: still counted, since it may have been
-- billed. 'reused' rows are results taken from the per-unit cache: what was not paid again.
-- No job foreign key: deleting a job must not take its spending out of the day's total.
CREATE TABLE costs (
  id         INTEGER PRIMARY KEY,
  job_id     TEXT,
  step       TEXT,
  provider   TEXT NOT NULL,
  product    TEXT,
  unit       TEXT NOT NULL,
  quantity   REAL NOT NULL,
  -- USD at the configured price; NULL when the config has no price for it.
  usd        REAL,
  state      TEXT NOT NULL CHECK (state IN ('reserved', 'settled', 'unconfirmed', 'reused')),
  what       TEXT,
  -- The UTC day it was reserved on, for budget.perDay.
  day        TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
-- Covering the budget sums: a reservation reads the job's and the day's spending from these
-- alone, however many rows the day has.
CREATE INDEX costs_job ON costs (job_id, state, usd);
CREATE INDEX costs_day ON costs (day, state, usd);

-- Running totals of spending that counts against budgets (reserved, settled, unconfirmed; priced),
-- per job and per UTC day, kept by the triggers below in the same transaction as the row: a
-- reservation checks its budgets with two key lookups, not a sum over the day's every call.
CREATE TABLE cost_totals (
  scope TEXT NOT NULL CHECK (scope IN ('job', 'day')),
  key   TEXT NOT NULL,
  usd   REAL NOT NULL,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;

CREATE TRIGGER costs_total_insert AFTER INSERT ON costs
WHEN NEW.usd IS NOT NULL AND NEW.state IN ('reserved', 'settled', 'unconfirmed')
BEGIN
  INSERT INTO cost_totals (scope, key, usd) VALUES ('day', NEW.day, NEW.usd)
    ON CONFLICT (scope, key) DO UPDATE SET usd = usd + excluded.usd;
  INSERT INTO cost_totals (scope, key, usd) SELECT 'job', NEW.job_id, NEW.usd WHERE NEW.job_id IS NOT NULL
    ON CONFLICT (scope, key) DO UPDATE SET usd = usd + excluded.usd;
END;

CREATE TRIGGER costs_total_delete AFTER DELETE ON costs
WHEN OLD.usd IS NOT NULL AND OLD.state IN ('reserved', 'settled', 'unconfirmed')
BEGIN
  UPDATE cost_totals SET usd = usd - OLD.usd WHERE scope = 'day' AND key = OLD.day;
  UPDATE cost_totals SET usd = usd - OLD.usd WHERE scope = 'job' AND key = OLD.job_id;
END;

CREATE TRIGGER costs_total_update AFTER UPDATE OF usd, state ON costs
BEGIN
  UPDATE cost_totals SET usd = usd - OLD.usd
    WHERE OLD.usd IS NOT NULL AND OLD.state IN ('reserved', 'settled', 'unconfirmed')
      AND ((scope = 'day' AND key = OLD.day) OR (scope = 'job' AND key = OLD.job_id));
  INSERT INTO cost_totals (scope, key, usd) SELECT 'day', NEW.day, NEW.usd
    WHERE NEW.usd IS NOT NULL AND NEW.state IN ('reserved', 'settled', 'unconfirmed')
    ON CONFLICT (scope, key) DO UPDATE SET usd = usd + excluded.usd;
  INSERT INTO cost_totals (scope, key, usd) SELECT 'job', NEW.job_id, NEW.usd
    WHERE NEW.job_id IS NOT NULL AND NEW.usd IS NOT NULL AND NEW.state IN ('reserved', 'settled', 'unconfirmed')
    ON CONFLICT (scope, key) DO UPDATE SET usd = usd + excluded.usd;
END;

-- A deleted job (retention, or `dubarr jobs delete`) takes its ledger rows of earlier days with
-- it, so the table does not grow without end; today's stay, since budget.perDay counts them.
CREATE TRIGGER jobs_delete_costs AFTER DELETE ON jobs
BEGIN
  DELETE FROM costs WHERE job_id = OLD.id AND day < strftime('%Y-%m-%d', 'now');
  DELETE FROM cost_totals WHERE scope = 'job' AND key = OLD.id;
END;
