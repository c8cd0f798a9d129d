-- 005 (alerting): several processes may send from one database. Each notifier registers itself in
-- `senders` and keeps a heartbeat; a delivery in flight records who claimed it, so recovery only
-- re-queues the 'sending' rows of a sender that stopped beating (crashed), never a live peer's.
CREATE TABLE senders (
  id TEXT PRIMARY KEY,
  pid INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL
);
ALTER TABLE deliveries ADD COLUMN claimed_by TEXT;
