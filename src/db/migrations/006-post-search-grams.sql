-- 006 (search): a substring index for posts search, so a query finds every post containing the
-- characters typed, from one character up, as the query language matches (contracts §4).
-- `post_grams` holds, per post (rowid = posts.pk), the hex tokens of every 1- and 2-character
-- gram of its normalized title and text, plus author and source tokens (src/query/search-grams.ts).
-- Normalization (Traditional -> Simplified, full-width, case) needs the application, so triggers
-- queue new and edited posts in `post_grams_pending` and the application indexes them
-- (src/db/repos/search-index.ts): PostStore as it writes each post, a background backfill for the
-- queue; every existing post is queued here. Searches treat queued posts as candidates.
CREATE VIRTUAL TABLE post_grams USING fts5 (grams, content = '', contentless_delete = 1, detail = none, tokenize = 'ascii');

-- is_new: 1 = never indexed (nothing to delete first), 0 = indexed before and edited since
CREATE TABLE post_grams_pending (pk INTEGER PRIMARY KEY, is_new INTEGER NOT NULL);

CREATE TRIGGER posts_search_queue_insert AFTER INSERT ON posts BEGIN
  INSERT OR IGNORE INTO post_grams_pending (pk, is_new) VALUES (new.pk, 1);
END;
CREATE TRIGGER posts_search_queue_update AFTER UPDATE OF title, text, source, author_id, author_name ON posts
  WHEN new.title IS NOT old.title OR new.text IS NOT old.text OR new.source IS NOT old.source
    OR new.author_id IS NOT old.author_id OR new.author_name IS NOT old.author_name BEGIN
  INSERT OR IGNORE INTO post_grams_pending (pk, is_new) VALUES (new.pk, 0);
END;
CREATE TRIGGER posts_search_queue_delete AFTER DELETE ON posts BEGIN
  DELETE FROM post_grams WHERE rowid = old.pk;
  DELETE FROM post_grams_pending WHERE pk = old.pk;
END;

INSERT INTO post_grams_pending (pk, is_new) SELECT pk, 1 FROM posts;

-- Searches with a `source` filter and no text walk posts of that source newest first.
CREATE INDEX posts_by_source ON posts (source);
