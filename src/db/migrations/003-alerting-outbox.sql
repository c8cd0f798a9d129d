-- 003: alerting pipeline state (groups, notifications, routing decisions, escalations, source
-- health), outbox extensions, delivery warnings, and the response desk's feedback and timings.

-- Current state per alert fingerprint (incident id, or topic + posts for per-post alerts).
CREATE TABLE alert_state (
  fingerprint TEXT PRIMARY KEY,
  alert_id INTEGER NOT NULL,
  topic_id TEXT NOT NULL,
  incident_id TEXT,
  level TEXT NOT NULL,
  state TEXT NOT NULL,                  -- firing | resolved
  labels TEXT NOT NULL,                 -- JSON {name: [values]}
  posts TEXT NOT NULL DEFAULT '[]',
  p1_active INTEGER NOT NULL DEFAULT 0, -- a P1 was seen and the incident has not resolved since
  first_p1_at TEXT,
  notified INTEGER NOT NULL DEFAULT 0,  -- some notification about it was queued
  updated_at TEXT NOT NULL
);
CREATE INDEX alert_state_incident ON alert_state (incident_id);

-- What the pipeline did with each alert: routed | silenced | inhibited | no-route.
CREATE TABLE alert_decisions (
  alert_id INTEGER NOT NULL,
  at TEXT NOT NULL,
  outcome TEXT NOT NULL,
  detail TEXT
);
CREATE INDEX alert_decisions_alert ON alert_decisions (alert_id);

CREATE TABLE alert_groups (
  id INTEGER PRIMARY KEY,
  group_key TEXT NOT NULL UNIQUE,
  route_id TEXT NOT NULL,
  receiver TEXT NOT NULL,
  labels TEXT NOT NULL,
  timing TEXT NOT NULL,                 -- JSON snapshot of the route's timing
  state TEXT NOT NULL DEFAULT 'firing', -- firing | resolved
  created_at TEXT NOT NULL,
  next_flush_at TEXT,                   -- set while there are unsent changes
  last_flush_at TEXT,
  repeat_due_at TEXT,
  flush_seq INTEGER NOT NULL DEFAULT 0,
  repeat_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX alert_groups_flush ON alert_groups (next_flush_at);
CREATE INDEX alert_groups_repeat ON alert_groups (state, repeat_due_at);
CREATE TABLE alert_group_items (
  group_id INTEGER NOT NULL REFERENCES alert_groups (id) ON DELETE CASCADE,
  alert_id INTEGER NOT NULL,
  fingerprint TEXT NOT NULL,
  added_at TEXT NOT NULL,
  notified_seq INTEGER,
  alert_json TEXT NOT NULL,             -- the alert as handed over (contract shape + routing fields)
  PRIMARY KEY (group_id, alert_id)
) WITHOUT ROWID;

-- One rendered notification (what was said), delivered on each channel of its receiver.
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,                   -- alert | repeat | resolved | escalation | reminder | digest | source-health | test
  receiver TEXT NOT NULL,
  group_id INTEGER,
  seq INTEGER,
  incident_id TEXT,
  created_at TEXT NOT NULL,
  content TEXT NOT NULL
);
CREATE INDEX notifications_incident ON notifications (incident_id);
CREATE TABLE notification_alerts (
  notification_id INTEGER NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
  alert_id INTEGER NOT NULL,
  PRIMARY KEY (notification_id, alert_id)
) WITHOUT ROWID;
CREATE INDEX notification_alerts_alert ON notification_alerts (alert_id);

ALTER TABLE deliveries ADD COLUMN notification_id INTEGER;
ALTER TABLE deliveries ADD COLUMN expires_at TEXT;        -- give up on transient errors after this
ALTER TABLE deliveries ADD COLUMN queued_wall_at TEXT;    -- wall clock when queued (latency figures)
ALTER TABLE deliveries ADD COLUMN sent_wall_at TEXT;
CREATE INDEX deliveries_notification ON deliveries (notification_id);

-- Visible warnings (a channel failing and falling back to email, a receiver missing, ...).
CREATE TABLE alerting_warnings (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,                   -- channel-failed | fallback | no-fallback | config
  receiver TEXT,
  channel TEXT,
  delivery_id INTEGER,
  message TEXT NOT NULL,
  cleared_at TEXT
);

CREATE TABLE escalations (
  incident_id TEXT NOT NULL,
  tier INTEGER NOT NULL,
  at TEXT NOT NULL,
  receiver TEXT NOT NULL,
  PRIMARY KEY (incident_id, tier)
) WITHOUT ROWID;

CREATE TABLE source_health_state (
  source_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,                  -- ok | failing | blocked | empty
  since TEXT NOT NULL,
  message TEXT
);

-- Desk: analyst verdicts kept as feedback for the scorer (false alarms, confirmed crises).
CREATE TABLE feedback (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  incident_id TEXT NOT NULL,
  topic_id TEXT,
  verdict TEXT NOT NULL,                -- false_alarm | confirmed
  actor TEXT,
  note TEXT,
  level TEXT,
  peak_risk REAL,
  key_terms TEXT,
  reasons TEXT,
  posts TEXT                            -- JSON [source:id]
);
CREATE INDEX feedback_incident ON feedback (incident_id);

ALTER TABLE incidents ADD COLUMN first_alerted_at TEXT;
ALTER TABLE incidents ADD COLUMN tta_seconds INTEGER;      -- time to acknowledge
ALTER TABLE incidents ADD COLUMN ttr_seconds INTEGER;      -- time to resolve (or false alarm)
