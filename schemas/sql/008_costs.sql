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
CREATE INDEX costs_job ON costs (job_id);
CREATE INDEX costs_day ON costs (day, state);
