-- 008: saved posts searches (src/desk/saved-searches.ts), one list per user: a name (unique per
-- user, case as typed), the query in the query language and the other filters of the posts page
-- (source, sentiment, topic) as JSON. A user's searches go with the user.
CREATE TABLE saved_searches (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  query TEXT NOT NULL,
  filters TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (user_id, name)
);
