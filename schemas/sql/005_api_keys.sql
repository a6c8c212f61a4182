-- API keys for the HTTP server. Only a SHA-256 hash of each key is stored: the key itself is
-- shown once, by `dubarr keys create`, and a copy of the database gives no way in. Keys are
-- 256 random bits, so a plain hash (not a slow password hash) is enough: there is nothing to
-- guess. Revoking a key deletes its row.
CREATE TABLE api_keys (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  hash         TEXT NOT NULL UNIQUE,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER
);
