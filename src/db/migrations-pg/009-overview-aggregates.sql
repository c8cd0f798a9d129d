-- PostgreSQL twin of src/db/migrations/009-overview-aggregates.sql (same version; see README "Stores").
-- 009 (dashboard time series, src/server/timeseries.ts), kept current by triggers like 004's:
-- - hourly aggregates for the overview's share of voice (topic matches per topic) and risk trend
--   (highest risk per topic), so a 30-day range reads ~2,000 rows instead of every match and risk
--   point (600k matches and 130k risk points at 1 M posts took 300 ms and 80 ms);
-- - post counts per 5 minutes by source and label, for the 5- and 15-minute buckets (grouping a
--   day of posts, 33k at 1 M posts a month, took 50 ms; this reads ~300 x sources x labels rows).
-- Partial buckets at a range's ends and 1-minute buckets read the rows themselves: posts through
-- posts_first_seen, which now covers what they read (kind, source, labels), topic_matches by
-- (topic_id, matched_at) and risk_history_at.

-- SQLite's CAST(text AS INTEGER): the leading digits, 0 when there are none
CREATE FUNCTION fw_int(t text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(nullif(substring(t from '^\s*([0-9]+)'), ''), '0')::integer
$$;

CREATE TABLE post_5min (
  bucket TEXT COLLATE "C" NOT NULL,                -- '2026-08-22T05:35' (UTC): first_seen_at down to 5 minutes
  source TEXT COLLATE "C" NOT NULL,
  label TEXT COLLATE "C" NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (bucket, source, label)
);

INSERT INTO post_5min (bucket, source, label, n)
  SELECT substr(first_seen_at, 1, 14) || lpad((fw_int(substr(first_seen_at, 15, 2)) / 5 * 5)::text, 2, '0'), source,
         coalesce(sentiment_corrected, sentiment_label, 'unknown'), count(*)
  FROM posts WHERE kind != 'trend' GROUP BY 1, 2, 3;

CREATE FUNCTION post_5min_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND old.kind <> 'trend' THEN
    IF TG_OP = 'DELETE' OR coalesce(old.sentiment_corrected, old.sentiment_label, 'unknown') <> coalesce(new.sentiment_corrected, new.sentiment_label, 'unknown') THEN
      UPDATE post_5min SET n = n - 1
        WHERE bucket = substr(old.first_seen_at, 1, 14) || lpad((fw_int(substr(old.first_seen_at, 15, 2)) / 5 * 5)::text, 2, '0')
          AND source = old.source AND label = coalesce(old.sentiment_corrected, old.sentiment_label, 'unknown');
    ELSE
      RETURN NULL;
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND new.kind <> 'trend' THEN
    INSERT INTO post_5min (bucket, source, label, n)
      VALUES (substr(new.first_seen_at, 1, 14) || lpad((fw_int(substr(new.first_seen_at, 15, 2)) / 5 * 5)::text, 2, '0'), new.source, coalesce(new.sentiment_corrected, new.sentiment_label, 'unknown'), 1)
      ON CONFLICT (bucket, source, label) DO UPDATE SET n = post_5min.n + 1;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER post_5min_insert AFTER INSERT ON posts FOR EACH ROW EXECUTE FUNCTION post_5min_track();
CREATE TRIGGER post_5min_relabel AFTER UPDATE OF sentiment_label, sentiment_corrected ON posts FOR EACH ROW EXECUTE FUNCTION post_5min_track();
CREATE TRIGGER post_5min_delete AFTER DELETE ON posts FOR EACH ROW EXECUTE FUNCTION post_5min_track();

CREATE TABLE topic_hourly (
  bucket TEXT COLLATE "C" NOT NULL,                -- substr(matched_at, 1, 13): '2026-08-22T05' (UTC)
  topic_id TEXT COLLATE "C" NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (bucket, topic_id)
);

INSERT INTO topic_hourly (bucket, topic_id, n)
  SELECT substr(matched_at, 1, 13), topic_id, count(*) FROM topic_matches GROUP BY 1, 2;

CREATE FUNCTION topic_hourly_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO topic_hourly (bucket, topic_id, n) VALUES (substr(new.matched_at, 1, 13), new.topic_id, 1)
      ON CONFLICT (bucket, topic_id) DO UPDATE SET n = topic_hourly.n + 1;
  ELSE
    UPDATE topic_hourly SET n = n - 1 WHERE bucket = substr(old.matched_at, 1, 13) AND topic_id = old.topic_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER topic_hourly_insert AFTER INSERT ON topic_matches FOR EACH ROW EXECUTE FUNCTION topic_hourly_track();
CREATE TRIGGER topic_hourly_delete AFTER DELETE ON topic_matches FOR EACH ROW EXECUTE FUNCTION topic_hourly_track();

CREATE TABLE risk_hourly (
  bucket TEXT COLLATE "C" NOT NULL,                -- substr(at, 1, 13) (UTC)
  topic_id TEXT COLLATE "C" NOT NULL,
  risk DOUBLE PRECISION NOT NULL,                  -- the highest risk recorded for the topic in that hour
  PRIMARY KEY (bucket, topic_id)
);

INSERT INTO risk_hourly (bucket, topic_id, risk)
  SELECT substr(at, 1, 13), topic_id, max(risk) FROM risk_history GROUP BY 1, 2;

CREATE FUNCTION risk_hourly_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO risk_hourly (bucket, topic_id, risk) VALUES (substr(new.at, 1, 13), new.topic_id, new.risk)
    ON CONFLICT (bucket, topic_id) DO UPDATE SET risk = greatest(risk_hourly.risk, excluded.risk);
  RETURN NULL;
END $$;
CREATE TRIGGER risk_hourly_insert AFTER INSERT ON risk_history FOR EACH ROW EXECUTE FUNCTION risk_hourly_track();

DROP INDEX posts_first_seen;
CREATE INDEX posts_first_seen ON posts (first_seen_at, kind, source, sentiment_corrected, sentiment_label);
