-- 001: the initial schema. Times are ISO 8601 UTC strings; JSON columns hold JSON text.

CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- Crawl sources and their health (issue 3 runner writes these).
CREATE TABLE sources (
  id TEXT PRIMARY KEY,                 -- config id, e.g. 'weibo-search-brand'
  adapter TEXT NOT NULL,               -- adapter id: weibo, rss, ...
  url TEXT NOT NULL,
  params TEXT NOT NULL DEFAULT '{}',
  schedule TEXT,                       -- cron expression
  enabled INTEGER NOT NULL DEFAULT 1,
  last_run_at TEXT,
  last_success_at TEXT,
  last_error TEXT,
  last_error_at TEXT,
  error_streak INTEGER NOT NULL DEFAULT 0,
  zero_streak INTEGER NOT NULL DEFAULT 0,
  blocked INTEGER NOT NULL DEFAULT 0,
  blocked_reason TEXT,
  items_last_run INTEGER NOT NULL DEFAULT 0,
  items_total INTEGER NOT NULL DEFAULT 0,
  healthy INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT
);
CREATE TABLE source_events (
  id INTEGER PRIMARY KEY,
  source_id TEXT NOT NULL,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,                  -- error | blocked | empty | recovered | run
  message TEXT,
  items INTEGER
);
CREATE INDEX source_events_by_source ON source_events (source_id, at);

CREATE TABLE authors (
  source TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT,
  followers INTEGER,
  verified INTEGER,
  updated_at TEXT,
  PRIMARY KEY (source, id)
) WITHOUT ROWID;

-- Posts: the latest state of every item (post, comment, repost, review, trend).
CREATE TABLE posts (
  pk INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  ext_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  url TEXT,
  parent_id TEXT,
  author_id TEXT,
  author_name TEXT,
  author_followers INTEGER,
  author_verified INTEGER,
  title TEXT,
  text TEXT,
  lang TEXT,
  published_at TEXT,
  first_seen_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  reposts INTEGER NOT NULL DEFAULT 0,
  comments INTEGER NOT NULL DEFAULT 0,
  likes INTEGER NOT NULL DEFAULT 0,
  views INTEGER NOT NULL DEFAULT 0,
  heat INTEGER NOT NULL DEFAULT 0,
  rank INTEGER,
  rating REAL,
  sentiment_label TEXT,
  sentiment_score REAL,
  sentiment_corrected TEXT,            -- analyst's label, kept for retraining
  severity_score REAL NOT NULL DEFAULT 0,
  severity_terms TEXT,
  severity_categories TEXT,
  simhash TEXT,                        -- 16 hex digits
  dup_of INTEGER,                      -- pk of the first post with the same text
  extra TEXT,
  UNIQUE (source, ext_id)
);
CREATE INDEX posts_published ON posts (published_at);
CREATE INDEX posts_first_seen ON posts (first_seen_at);
CREATE INDEX posts_parent ON posts (source, parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX posts_sentiment ON posts (sentiment_label, first_seen_at);

-- Full-text index over jieba-segmented, normalized text (rowid = posts.pk).
CREATE VIRTUAL TABLE posts_fts USING fts5 (tokens, content='', tokenize='unicode61 remove_diacritics 2');

-- Metric snapshots over time: one row per (post, observation time).
CREATE TABLE post_snapshots (
  post_pk INTEGER NOT NULL REFERENCES posts (pk) ON DELETE CASCADE,
  at TEXT NOT NULL,
  reposts INTEGER, comments INTEGER, likes INTEGER, views INTEGER, heat INTEGER, rank INTEGER,
  PRIMARY KEY (post_pk, at)
) WITHOUT ROWID;

-- Watch topics (loaded from rules/) and which posts matched them.
CREATE TABLE topics (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  query TEXT NOT NULL,
  file TEXT,
  enabled INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT
);
CREATE TABLE topic_matches (
  topic_id TEXT NOT NULL,
  post_pk INTEGER NOT NULL REFERENCES posts (pk) ON DELETE CASCADE,
  matched_at TEXT NOT NULL,
  PRIMARY KEY (topic_id, post_pk)
) WITHOUT ROWID;
CREATE INDEX topic_matches_by_time ON topic_matches (topic_id, matched_at);

-- Incidents (stories) and their posts.
CREATE TABLE incidents (
  id TEXT PRIMARY KEY,                 -- 'inc-17'
  seq INTEGER NOT NULL UNIQUE,
  topic_id TEXT NOT NULL,
  title TEXT NOT NULL,
  key_terms TEXT,
  opened_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  last_post_at TEXT,
  level TEXT,                          -- current firing level P1..P4, NULL when not firing
  state TEXT NOT NULL DEFAULT 'quiet', -- quiet | pending | firing | resolved
  pending_level TEXT,
  pending_since TEXT,
  calm_since TEXT,
  risk REAL NOT NULL DEFAULT 0,
  peak_risk REAL NOT NULL DEFAULT 0,
  reasons TEXT,
  forecast TEXT,
  sources TEXT,
  post_count INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'new',  -- new | acknowledged | responding | resolved | false_alarm
  owner TEXT,
  acknowledged_at TEXT,
  acknowledged_by TEXT,
  closed_at TEXT,
  last_activity_at TEXT,
  last_reminder_at TEXT
);
CREATE INDEX incidents_topic ON incidents (topic_id, updated_at);
CREATE INDEX incidents_status ON incidents (status, updated_at);
CREATE TABLE incident_posts (
  incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  post_pk INTEGER NOT NULL REFERENCES posts (pk) ON DELETE CASCADE,
  added_at TEXT NOT NULL,
  PRIMARY KEY (incident_id, post_pk)
) WITHOUT ROWID;
CREATE INDEX incident_posts_by_post ON incident_posts (post_pk);
CREATE TABLE incident_notes (
  id INTEGER PRIMARY KEY,
  incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  at TEXT NOT NULL,
  author TEXT,
  text TEXT NOT NULL
);
CREATE TABLE incident_evidence (
  id INTEGER PRIMARY KEY,
  incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  post_pk INTEGER REFERENCES posts (pk) ON DELETE SET NULL,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,                  -- screenshot | html
  path TEXT NOT NULL,
  sha256 TEXT
);

-- Risk over time, per topic and per incident (for charts and reports).
CREATE TABLE risk_history (
  at TEXT NOT NULL,
  topic_id TEXT NOT NULL,
  incident_id TEXT,
  risk REAL NOT NULL,
  level TEXT
);
CREATE INDEX risk_history_topic ON risk_history (topic_id, at);
CREATE INDEX risk_history_incident ON risk_history (incident_id, at);

-- Alerts as written by the pipeline (contracts.md §3).
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  topic_id TEXT NOT NULL,
  incident_id TEXT,
  level TEXT NOT NULL,
  state TEXT NOT NULL,                 -- firing | resolved
  risk REAL NOT NULL,
  title TEXT NOT NULL,
  reasons TEXT NOT NULL,
  posts TEXT NOT NULL,
  forecast TEXT,
  categories TEXT,
  sources TEXT,
  kind TEXT NOT NULL DEFAULT 'incident' -- incident | source-health | reminder | digest | escalation
);
CREATE INDEX alerts_at ON alerts (at);
CREATE INDEX alerts_incident ON alerts (incident_id, at);

-- Delivery outbox: one row per (alert notification, receiver, channel).
CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY,
  alert_id INTEGER REFERENCES alerts (id) ON DELETE SET NULL,
  dedup_key TEXT NOT NULL UNIQUE,
  receiver TEXT NOT NULL,
  channel TEXT NOT NULL,               -- email | wecom | dingtalk | feishu | slack | webhook
  payload TEXT NOT NULL,               -- the rendered notification (JSON)
  status TEXT NOT NULL DEFAULT 'pending', -- pending | sending | sent | failed (gave up)
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  sent_at TEXT,
  last_error TEXT,
  fallback_of INTEGER REFERENCES deliveries (id)
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
-- Notification log: written only after a confirmed send; a key here is never sent again.
CREATE TABLE notification_log (
  dedup_key TEXT PRIMARY KEY,
  delivery_id INTEGER,
  sent_at TEXT NOT NULL,
  receipt TEXT
);
-- Per-attempt receipts, for the dashboard.
CREATE TABLE delivery_attempts (
  id INTEGER PRIMARY KEY,
  delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
  at TEXT NOT NULL,
  ok INTEGER NOT NULL,
  status_code INTEGER,
  detail TEXT,
  ms INTEGER
);

CREATE TABLE silences (
  id INTEGER PRIMARY KEY,
  matchers TEXT NOT NULL,              -- JSON [{name, value, isRegex, isEqual}]
  starts_at TEXT NOT NULL,
  ends_at TEXT NOT NULL,
  created_by TEXT,
  comment TEXT,
  created_at TEXT NOT NULL
);

-- Users, sessions, API tokens, audit.
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'viewer')),
  created_at TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,                 -- sha256 of the cookie token
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  last_seen_at TEXT
);
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL DEFAULT 'ingest',
  created_at TEXT NOT NULL,
  last_used_at TEXT
);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT,
  action TEXT NOT NULL,
  target TEXT,
  detail TEXT
);
CREATE INDEX audit_by_target ON audit_log (target, at);
