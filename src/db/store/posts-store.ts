// Posts and what is known of them: posts, authors, snapshots, topic matches, analysis and the posts search index.
// Part of the store layer (src/db/store): this module is the one owner of its tables' SQL.
// Observations are upserted idempotently: the same source+id seen again updates the latest state
// and adds a snapshot; it never creates a second post. The search index (post-search-index.ts)
// is this module's: each post is indexed as it is written.
import type { Db } from '../connection.js';
import type { Observation } from '../../core/observation.js';
import { SearchIndex } from './post-search-index.js';
import { PgSearchIndex } from './post-search-index-pg.js';
import { dialectOf } from '../connection.js';
import { Statements } from './statements.js';

export interface StoredPost {
  pk: number;
  source: string;
  extId: string;
  kind: string;
  url: string | null;
  parentId: string | null;
  authorId: string | null;
  authorName: string | null;
  authorFollowers: number | null;
  authorVerified: boolean;
  title: string | null;
  text: string | null;
  publishedAt: string | null;
  firstSeenAt: string;
  reposts: number;
  comments: number;
  likes: number;
  views: number;
  heat: number;
  rank: number | null;
  rating: number | null;
}

export interface PostAnalysisColumns {
  lang: string;
  sentimentLabel: string;
  sentimentScore: number;
  severityScore: number;
  severityTerms: string[];
  severityCategories: string[];
  simhash: string | null;
  tokens: string;
}

export interface UpsertResult {
  /** the full row on first sight; on later sightings only pk and metrics are fresh */
  post: StoredPost;
  isNew: boolean;
}

const PK_CACHE_MAX = 200_000;
/** ids asked about per statement in knownIds */
const KNOWN_CHUNK = 500;
const n = (v: number | null | undefined): number | null => (v == null || !Number.isFinite(v) ? null : v);

const SQL = {
  byKey: 'SELECT * FROM posts WHERE source = ? AND ext_id = ?',
  byPk: 'SELECT * FROM posts WHERE pk = ?',
  pkOf: 'SELECT pk FROM posts WHERE source = ? AND ext_id = ?',
  insertPost: `INSERT INTO posts (source, ext_id, kind, url, parent_id, author_id, author_name,
      author_followers, author_verified, title, text, published_at, first_seen_at, last_seen_at,
      reposts, comments, likes, views, heat, rank, rating, extra)
      VALUES (@source, @extId, @kind, @url, @parentId, @authorId, @authorName, @followers, @verified, @title, @text,
      @publishedAt, @at, @at, @reposts, @comments, @likes, @views, @heat, @rank, @rating, @extra)`,
  // counts only grow: CASE WHEN keeps the larger (SQLite's scalar max() is not portable; both give NULL for a NULL column)
  updatePost: `UPDATE posts SET last_seen_at = CASE WHEN @at > last_seen_at THEN @at ELSE last_seen_at END,
      url = coalesce(@url, url), title = coalesce(@title, title), text = coalesce(@text, text),
      author_name = coalesce(@authorName, author_name), author_followers = coalesce(@followers, author_followers),
      author_verified = coalesce(@verified, author_verified), published_at = coalesce(published_at, @publishedAt),
      reposts = CASE WHEN @reposts > reposts THEN @reposts ELSE reposts END,
      comments = CASE WHEN @comments > comments THEN @comments ELSE comments END,
      likes = CASE WHEN @likes > likes THEN @likes ELSE likes END,
      views = CASE WHEN @views > views THEN @views ELSE views END,
      heat = coalesce(@heat, heat), rank = coalesce(@rank, rank),
      rating = coalesce(@rating, rating) WHERE pk = @pk RETURNING reposts, comments, likes`,
  snapshot: `INSERT INTO post_snapshots (post_pk, at, reposts, comments, likes, views, heat, rank) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (post_pk, at) DO UPDATE SET reposts = excluded.reposts, comments = excluded.comments, likes = excluded.likes,
      views = excluded.views, heat = excluded.heat, rank = excluded.rank`,
  author: `INSERT INTO authors (source, id, name, followers, verified, updated_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (source, id) DO UPDATE SET name = coalesce(excluded.name, authors.name), followers = coalesce(excluded.followers, authors.followers),
      verified = coalesce(excluded.verified, authors.verified), updated_at = excluded.updated_at`,
  analysis: `UPDATE posts SET lang = ?, sentiment_label = ?, sentiment_score = ?, severity_score = ?,
      severity_terms = ?, severity_categories = ?, simhash = ? WHERE pk = ?`,
} as const;

/** Rows per page of a posts scan on PostgreSQL. */
const SCAN_PAGE = 200;

/** The update without its answer (PostgreSQL, when the stored metrics are known: it is queued, not waited for). */
const UPDATE_POST_QUIET = SQL.updatePost.replace(/ RETURNING reposts, comments, likes$/, '');

export class PostsStore {
  private readonly q: Statements;
  private readonly pkCache = new Map<string, number>();
  /**
   * PostgreSQL only: the stored reposts, comments and likes of posts this store wrote, so an
   * update need not wait for RETURNING (a round trip per re-observed post, most of replay's time
   * there). Valid because one process writes posts: the pipeline of the leading monitor
   * (src/runtime/pipeline-lease.ts); cleared with the keys after a rollback.
   */
  private readonly metricsCache = new Map<number, { reposts: number; comments: number; likes: number }>();
  private readonly deferUpdates: boolean;
  private index?: SearchIndex;

  constructor(private readonly db: Db) {
    this.q = new Statements(db);
    this.deferUpdates = dialectOf(db) === 'postgres';
  }

  /**
   * The posts search index (migration 006 queues each new or edited post; upsert indexes it). The
   * monitor starts its background backfill with `search.scheduleBackfill()`.
   */
  get search(): SearchIndex {
    // dialect: FTS5 on SQLite, a GIN-indexed text[] on PostgreSQL (same tokens, same interface)
    return (this.index ??= dialectOf(this.db) === 'postgres' ? (new PgSearchIndex(this.db) as unknown as SearchIndex) : new SearchIndex(this.db));
  }

  get(source: string, extId: string): StoredPost | null {
    const r = this.q.get(SQL.byKey).get(source, extId) as Record<string, unknown> | undefined;
    return r ? rowToPost(r) : null;
  }

  getByPk(pk: number): StoredPost | null {
    const r = this.q.get(SQL.byPk).get(pk) as Record<string, unknown> | undefined;
    return r ? rowToPost(r) : null;
  }

  /** Forget the cached source+id -> pk lookups (after a rollback they may name rows that are gone). */
  forgetCachedKeys(): void {
    this.pkCache.clear();
    this.metricsCache.clear();
  }

  // ---- for incidents, alerting and the desk (src/pipeline/incident-records.ts, src/alerting, src/desk) ----

  /** Record that post `pk` matched these topics (the first match of each is kept). */
  addTopicMatches(topicIds: string[], pk: number, at: string): void {
    const st = this.q.get('INSERT INTO topic_matches (topic_id, post_pk, matched_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    for (const t of topicIds) st.run(t, pk, at);
  }

  /** What a notification shows of a post (undefined when it is not stored). */
  card(source: string, extId: string): { url: string | null; title: string | null; text: string | null; author_name: string | null; reposts: number } | undefined {
    return this.q.get('SELECT url, title, text, author_name, reposts FROM posts WHERE source = ? AND ext_id = ?').get(source, extId) as never;
  }

  /** The sources that have posts, in order (skipping through the posts_by_source index: one seek per source, not a scan). */
  sourcesWithPosts(): string[] {
    return this.q.pluck(`WITH RECURSIVE s(x) AS (SELECT min(source) FROM posts
    UNION ALL SELECT (SELECT min(source) FROM posts WHERE source > x) FROM s WHERE x IS NOT NULL) SELECT x FROM s WHERE x IS NOT NULL`).all() as string[];
  }

  /** Title and text of the most-shared of these posts (most reposts, then the author's followers). */
  mostShared(pks: number[]): { title: string | null; text: string | null } | undefined {
    if (!pks.length) return undefined;
    return this.db.prepare(`SELECT title, text FROM posts WHERE pk IN (${pks.map(() => '?').join(',')}) ORDER BY reposts DESC, author_followers DESC LIMIT 1`)
      .get(...pks) as never;
  }

  /** Insert or update one observation; call inside a transaction for batches. */
  upsert(o: Observation): UpsertResult {
    const m = o.metrics ?? {};
    const a = o.author ?? {};
    const params = {
      source: o.source, extId: o.id, kind: o.kind, url: o.url ?? null, parentId: o.parentId ?? null,
      authorId: a.id ?? null, authorName: a.name ?? null, followers: n(a.followers), verified: a.verified == null ? null : a.verified ? 1 : 0,
      title: o.title ?? null, text: o.text ?? null, publishedAt: o.publishedAt ? new Date(o.publishedAt).toISOString() : null,
      at: new Date(o.at).toISOString(), reposts: n(m.reposts), comments: n(m.comments), likes: n(m.likes), views: n(m.views),
      heat: n(m.heat), rank: n(m.rank ?? o.rank), rating: n(o.rating), extra: o.extra ? JSON.stringify(o.extra) : null,
    };
    if (a.id && (a.name != null || a.followers != null)) this.q.get(SQL.author).run(o.source, a.id, params.authorName, params.followers, params.verified, params.at);
    const key = `${o.source}\u0000${o.id}`;
    let pk = this.pkCache.get(key);
    if (pk === undefined) {
      const existing = this.q.pluck(SQL.pkOf).get(o.source, o.id) as number | undefined;
      if (existing !== undefined) pk = existing;
    }
    let isNew = false;
    let post: StoredPost;
    if (pk === undefined) {
      const r = this.q.get(SQL.insertPost).run({ ...params, reposts: params.reposts ?? 0, comments: params.comments ?? 0, likes: params.likes ?? 0, views: params.views ?? 0, heat: params.heat ?? 0 });
      pk = Number(r.lastInsertRowid);
      isNew = true;
      post = {
        pk, source: o.source, extId: o.id, kind: o.kind, url: params.url, parentId: params.parentId, authorId: params.authorId,
        authorName: params.authorName, authorFollowers: params.followers, authorVerified: params.verified === 1, title: params.title,
        text: params.text, publishedAt: params.publishedAt, firstSeenAt: params.at, reposts: params.reposts ?? 0,
        comments: params.comments ?? 0, likes: params.likes ?? 0, views: params.views ?? 0, heat: params.heat ?? 0,
        rank: params.rank, rating: params.rating,
      };
    } else {
      const known = this.deferUpdates ? this.metricsCache.get(pk) : undefined;
      let r: { reposts: number; comments: number; likes: number } | undefined;
      if (known) {
        // the same maxima the statement computes (a missing or lower count keeps the stored one)
        const up = (given: number | null, stored: number) => (given !== null && given > stored ? given : stored);
        r = { reposts: up(params.reposts, known.reposts), comments: up(params.comments, known.comments), likes: up(params.likes, known.likes) };
        this.q.get(UPDATE_POST_QUIET).run({ ...params, pk });
      } else {
        r = this.q.get(SQL.updatePost).get({ ...params, pk }) as { reposts: number; comments: number; likes: number } | undefined;
      }
      post = { pk, source: o.source, extId: o.id, kind: o.kind, reposts: r?.reposts ?? 0, comments: r?.comments ?? 0, likes: r?.likes ?? 0 } as StoredPost;
    }
    if (this.pkCache.size >= PK_CACHE_MAX) { this.pkCache.clear(); this.metricsCache.clear(); }
    this.pkCache.set(key, pk);
    if (this.deferUpdates) this.metricsCache.set(pk, { reposts: post.reposts ?? 0, comments: post.comments ?? 0, likes: post.likes ?? 0 });
    if (o.metrics) this.q.get(SQL.snapshot).run(pk, params.at, params.reposts, params.comments, params.likes, params.views, params.heat, params.rank);
    this.search.indexIfPending(pk);
    return { post, isNew };
  }

  saveAnalysis(pk: number, a: PostAnalysisColumns): void {
    this.q.get(SQL.analysis).run(a.lang, a.sentimentLabel, a.sentimentScore, a.severityScore, JSON.stringify(a.severityTerms),
      JSON.stringify(a.severityCategories), a.simhash, pk);
  }

  snapshots(pk: number): { at: string; reposts: number | null; comments: number | null; likes: number | null }[] {
    return this.q.get('SELECT at, reposts, comments, likes FROM post_snapshots WHERE post_pk = ? ORDER BY at').all(pk) as never;
  }

  /**
   * Every negative post that matched a topic, first seen since `since` (ISO), as (topic, post
   * time) oldest first: the history a restarted pipeline's volume series start from.
   */
  negativeMatchesSince(since: string): { topic: string; at: string }[] {
    return this.q.get(`SELECT tm.topic_id AS topic, coalesce(p.published_at, p.first_seen_at) AS at FROM topic_matches tm
      JOIN posts p ON p.pk = tm.post_pk WHERE p.sentiment_score < 0 AND p.first_seen_at >= ? ORDER BY at`).all(since) as { topic: string; at: string }[];
  }

  /** Which of `ids` (external ids of `source`) are stored already. */
  knownIds(source: string, ids: string[]): Set<string> {
    const known = new Set<string>();
    for (let i = 0; i < ids.length; i += KNOWN_CHUNK) {
      const chunk = ids.slice(i, i + KNOWN_CHUNK);
      const sql = `SELECT ext_id FROM posts WHERE source = ? AND ext_id IN (${chunk.map(() => '?').join(',')})`;
      // a full chunk's statement is kept; a shorter last chunk is prepared for the call
      const st = chunk.length === KNOWN_CHUNK ? this.q.pluck(sql) : this.db.prepare(sql).pluck();
      for (const r of st.all(source, ...chunk) as string[]) known.add(r);
    }
    return known;
  }

  /**
   * Posts and reposts with a URL first seen since `since` (ISO), newest first, at most 5000: the
   * candidates for re-observation.
   */
  recentForReobservation(since: string): { source: string; id: string; url: string; firstSeenAt: string; lastSeenAt: string }[] {
    return this.q.get(`SELECT source, ext_id AS id, url, first_seen_at AS firstSeenAt, last_seen_at AS lastSeenAt
    FROM posts WHERE first_seen_at >= ? AND kind IN ('post', 'repost') AND url IS NOT NULL ORDER BY first_seen_at DESC LIMIT 5000`).all(since) as never;
  }

  /** A post's model label and analyst correction (for the correction route), by pk. */
  sentimentOf(pk: number): { pk: number; source: string; ext_id: string; sentiment_label: string | null; sentiment_corrected: string | null } | undefined {
    return this.q.get('SELECT pk, source, ext_id, sentiment_label, sentiment_corrected FROM posts WHERE pk = ?').get(pk) as never;
  }

  /** Set (or, with null, clear) an analyst's sentiment correction. */
  correctSentiment(pk: number, label: string | null): void {
    this.q.get('UPDATE posts SET sentiment_corrected = ? WHERE pk = ?').run(label, pk);
  }

  /** Posts an analyst labelled (title, text, corrected label), for retraining the sentiment model. */
  corrected(): { title: string | null; text: string | null; label: string }[] {
    return this.q.get(`SELECT title, text, sentiment_corrected AS label FROM posts
      WHERE sentiment_corrected IS NOT NULL AND (text IS NOT NULL OR title IS NOT NULL)`).all() as { title: string | null; text: string | null; label: string }[];
  }

  // ---- posts search (src/server/post-search.ts; the index's own reads are in post-search-index.ts) ----

  /** The highest post pk (0 without posts). */
  maxPk(): number {
    return (this.q.pluck('SELECT max(pk) FROM posts').get() as number | null) ?? 0;
  }

  /** Whether post `pk` matched watch topic `topicId`. */
  matchedTopic(topicId: string, pk: number): boolean {
    return this.q.pluck('SELECT 1 FROM topic_matches WHERE topic_id = ? AND post_pk = ?').get(topicId, pk) !== undefined;
  }

  /**
   * A scan over posts (trends left out) with the filters applied in SQL: called with a window of
   * post ids [lo, hi], it gives the window's full posts rows newest first (the topic's matches
   * only, when a topic is given).
   */
  scanner(f: PostScanFilters): (lo: number, hi: number) => Iterable<Record<string, unknown>> {
    const where: string[] = ["p.kind != 'trend'"];
    const args: unknown[] = [];
    if (f.source) { where.push('p.source = ?'); args.push(f.source); }
    if (f.sentiment) { where.push('coalesce(p.sentiment_corrected, p.sentiment_label) = ?'); args.push(f.sentiment); }
    if (f.from) { where.push('p.first_seen_at >= ?'); args.push(f.from); }
    if (f.to) { where.push('p.first_seen_at < ?'); args.push(f.to); }
    const cond = where.join(' AND ');
    // dialect: SQLite steps through a window's rows lazily; PostgreSQL answers a statement whole,
    // so there a window is read a page at a time (the search checks its time budget between rows)
    const paged = dialectOf(this.db) === 'postgres';
    const limit = paged ? ` LIMIT ${SCAN_PAGE}` : '';
    const st = f.topic
      ? this.q.get(`SELECT p.* FROM topic_matches tm JOIN posts p ON p.pk = tm.post_pk
        WHERE tm.topic_id = ? AND tm.post_pk >= ? AND tm.post_pk <= ? AND ${cond} ORDER BY tm.post_pk DESC${limit}`)
      : this.q.get(`SELECT p.* FROM posts p WHERE p.pk >= ? AND p.pk <= ? AND ${cond} ORDER BY p.pk DESC${limit}`);
    const head = f.topic ? [f.topic] : [];
    if (!paged) return (lo, hi) => st.iterate(...head, lo, hi, ...args) as Iterable<Record<string, unknown>>;
    return function* (lo, hi) {
      for (let top = hi; ;) {
        const rows = st.all(...head, lo, top, ...args) as Record<string, unknown>[];
        yield* rows;
        if (rows.length < SCAN_PAGE) return;
        top = Number(rows[rows.length - 1].pk) - 1;
      }
    };
  }
}

/** The filters of a posts search that scans (dates as ISO strings). */
export interface PostScanFilters { topic?: string; source?: string; sentiment?: string; from?: string | null; to?: string | null }

export function rowToPost(r: Record<string, unknown>): StoredPost {
  return {
    pk: r.pk as number, source: r.source as string, extId: r.ext_id as string, kind: r.kind as string,
    url: (r.url as string) ?? null, parentId: (r.parent_id as string) ?? null, authorId: (r.author_id as string) ?? null,
    authorName: (r.author_name as string) ?? null, authorFollowers: (r.author_followers as number) ?? null,
    authorVerified: r.author_verified === 1, title: (r.title as string) ?? null, text: (r.text as string) ?? null,
    publishedAt: (r.published_at as string) ?? null, firstSeenAt: r.first_seen_at as string,
    reposts: r.reposts as number, comments: r.comments as number, likes: r.likes as number, views: r.views as number,
    heat: r.heat as number, rank: (r.rank as number) ?? null, rating: (r.rating as number) ?? null,
  };
}
