-- PostgreSQL twin of src/db/migrations/006-post-search-grams.sql (same version; see README "Stores").
-- 006 (search): a substring index for posts search, so a query finds every post containing the
-- characters typed, from one character up, as the query language matches (contracts §4).
-- `post_grams` holds, per post (pk = posts.pk), the hex tokens of every 1- and 2-character
-- gram of its normalized title and text, plus author and source tokens (src/query/search-grams.ts).
-- Normalization (Traditional -> Simplified, full-width, case) needs the application, so triggers
-- queue new and edited posts in `post_grams_pending` and the application indexes them
-- (src/db/repos/search-index.ts): PostStore as it writes each post, a background backfill for the
-- queue; every existing post is queued here. Searches treat queued posts as candidates.
-- PostgreSQL: the tokens as an array per post, found through a GIN index (grams @> ARRAY[...]).
CREATE TABLE post_grams (pk BIGINT PRIMARY KEY, grams TEXT[] NOT NULL);
CREATE INDEX post_grams_gin ON post_grams USING gin (grams);

-- is_new: 1 = never indexed (nothing to delete first), 0 = indexed before and edited since
CREATE TABLE post_grams_pending (pk BIGINT PRIMARY KEY, is_new BIGINT NOT NULL);

CREATE FUNCTION posts_search_queue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO post_grams_pending (pk, is_new) VALUES (new.pk, 1) ON CONFLICT DO NOTHING;
  ELSIF TG_OP = 'UPDATE' THEN
    IF new.title IS DISTINCT FROM old.title OR new.text IS DISTINCT FROM old.text OR new.source IS DISTINCT FROM old.source
       OR new.author_id IS DISTINCT FROM old.author_id OR new.author_name IS DISTINCT FROM old.author_name THEN
      INSERT INTO post_grams_pending (pk, is_new) VALUES (new.pk, 0) ON CONFLICT DO NOTHING;
    END IF;
  ELSE
    DELETE FROM post_grams WHERE pk = old.pk;
    DELETE FROM post_grams_pending WHERE pk = old.pk;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER posts_search_queue_insert AFTER INSERT ON posts FOR EACH ROW EXECUTE FUNCTION posts_search_queue();
CREATE TRIGGER posts_search_queue_update AFTER UPDATE OF title, text, source, author_id, author_name ON posts FOR EACH ROW EXECUTE FUNCTION posts_search_queue();
CREATE TRIGGER posts_search_queue_delete AFTER DELETE ON posts FOR EACH ROW EXECUTE FUNCTION posts_search_queue();

INSERT INTO post_grams_pending (pk, is_new) SELECT pk, 1 FROM posts;

-- Searches with a `source` filter and no text walk posts of that source newest first.
CREATE INDEX posts_by_source ON posts (source);
