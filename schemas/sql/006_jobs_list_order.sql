-- The jobs list (REST, GraphQL, `dubarr jobs list`) pages newest first by (created_at, id).
-- Walked backwards, this index gives the rows in that order, so a page reads about as many rows
-- as it returns instead of sorting the whole table each time.
CREATE INDEX jobs_created ON jobs (created_at, id);
