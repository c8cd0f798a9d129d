-- PostgreSQL twin of src/db/migrations/005-sender-leases.sql (same version; see README "Stores").
-- 005 (alerting): several processes may send from one database. Each notifier registers itself in
-- `senders` and keeps a heartbeat; a delivery in flight records who claimed it, so recovery only
-- re-queues the 'sending' rows of a sender that stopped beating (crashed), never a live peer's.
CREATE TABLE senders (
  id TEXT COLLATE "C" PRIMARY KEY,
  pid BIGINT NOT NULL,
  started_at TEXT COLLATE "C" NOT NULL,
  heartbeat_at TEXT COLLATE "C" NOT NULL
);
ALTER TABLE deliveries ADD COLUMN claimed_by TEXT COLLATE "C";
