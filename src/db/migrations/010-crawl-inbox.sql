-- 010 (crawl queue): what `flarewatch worker` processes crawled, handed to the monitor through the
-- shared database (src/queue/crawl-inbox.ts). One row per queue job, written in one transaction
-- with its observations; the job id is unique, so a job retried after its row was written stores
-- nothing twice. The monitor ingests a row's observations, then marks it and drops the payload;
-- taken rows are kept a day so a late retry still finds its job id, then pruned.
CREATE TABLE crawl_inbox (
  id INTEGER PRIMARY KEY,
  job_id TEXT NOT NULL UNIQUE,
  source_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  worker TEXT NOT NULL,
  created_at TEXT NOT NULL,
  summary TEXT NOT NULL,
  observations TEXT,
  items INTEGER NOT NULL,
  ingested_at TEXT
);
CREATE INDEX crawl_inbox_pending ON crawl_inbox (id) WHERE ingested_at IS NULL;
CREATE INDEX crawl_inbox_taken ON crawl_inbox (ingested_at) WHERE ingested_at IS NOT NULL;
