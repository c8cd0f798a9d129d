-- 011: the account pool of crawl sources (src/crawl/account-pool.ts; SQL in
-- src/db/store/accounts-store.ts). A source that needs a login holds several accounts: ones
-- declared in sources.yaml (a cookie from an environment variable, a saved browser session by
-- name) and ones an admin added by scanning a QR code on the dashboard. Crawls rotate among the
-- active ones; a blocked account is retired (or paused, for a captcha, until a person resumes it).
-- No secret is stored here: a saved session's cookies and localStorage stay in its file under
-- data/sessions/ (mode 0600), named by session_ref ('<site>/<name>'); cookies_env names the
-- environment variable, never its value. Portable SQL (SQLite and PostgreSQL).
CREATE TABLE source_accounts (
  id INTEGER PRIMARY KEY,
  source_id TEXT NOT NULL,
  name TEXT NOT NULL,
  origin TEXT NOT NULL,            -- config (sources.yaml) | login (QR code on the dashboard)
  session_ref TEXT,                -- '<site>/<name>' of the saved browser session, or null
  cookies_env TEXT,                -- name of the environment variable holding a Cookie header
  proxy TEXT,                      -- http:// proxy of this account; null: the source's
  state TEXT NOT NULL,             -- active | paused | retired
  state_reason TEXT,
  state_at TEXT,
  error_score REAL NOT NULL DEFAULT 0,
  uses INTEGER NOT NULL DEFAULT 0,
  last_used_at TEXT,
  last_ok_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (source_id, name)
);
CREATE INDEX source_accounts_by_state ON source_accounts (source_id, state);
