// Posts, authors and metric snapshots: idempotent upsert of observations. The same source+id
// seen again updates the latest state and adds a snapshot; it never creates a second post.
import type { Db } from '../connection.js';
import type { Observation } from '../../core/observation.js';
import { SearchIndex } from './search-index.js';

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
const n = (v: number | null | undefined): number | null => (v == null || !Number.isFinite(v) ? null : v);

export class PostStore {
  private readonly selectByKey;
  private readonly insertPost;
  private readonly updatePost;
  private readonly insertSnapshot;
  private readonly upsertAuthor;
  private readonly setAnalysis;
  private readonly byPk;
  private readonly selectPk;
  private readonly pkCache = new Map<string, number>();
  /** the posts search index: each post is indexed as it is written (migration 006 queues it) */
  private readonly search: SearchIndex;

  constructor(private readonly db: Db) {
    this.selectByKey = db.prepare('SELECT * FROM posts WHERE source = ? AND ext_id = ?');
    this.byPk = db.prepare('SELECT * FROM posts WHERE pk = ?');
    this.selectPk = db.prepare('SELECT pk FROM posts WHERE source = ? AND ext_id = ?').pluck();
    this.insertPost = db.prepare(`INSERT INTO posts (source, ext_id, kind, url, parent_id, author_id, author_name,
      author_followers, author_verified, title, text, published_at, first_seen_at, last_seen_at,
      reposts, comments, likes, views, heat, rank, rating, extra)
      VALUES (@source, @extId, @kind, @url, @parentId, @authorId, @authorName, @followers, @verified, @title, @text,
      @publishedAt, @at, @at, @reposts, @comments, @likes, @views, @heat, @rank, @rating, @extra)`);
    this.updatePost = db.prepare(`UPDATE posts SET last_seen_at = max(last_seen_at, @at),
      url = coalesce(@url, url), title = coalesce(@title, title), text = coalesce(@text, text),
      author_name = coalesce(@authorName, author_name), author_followers = coalesce(@followers, author_followers),
      author_verified = coalesce(@verified, author_verified), published_at = coalesce(published_at, @publishedAt),
      reposts = max(reposts, coalesce(@reposts, 0)), comments = max(comments, coalesce(@comments, 0)),
      likes = max(likes, coalesce(@likes, 0)), views = max(views, coalesce(@views, 0)),
      heat = CASE WHEN @heat IS NULL THEN heat ELSE @heat END, rank = CASE WHEN @rank IS NULL THEN rank ELSE @rank END,
      rating = coalesce(@rating, rating) WHERE pk = @pk RETURNING reposts, comments, likes`);
    this.insertSnapshot = db.prepare(`INSERT OR REPLACE INTO post_snapshots (post_pk, at, reposts, comments, likes, views, heat, rank)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    this.upsertAuthor = db.prepare(`INSERT INTO authors (source, id, name, followers, verified, updated_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (source, id) DO UPDATE SET name = coalesce(excluded.name, name), followers = coalesce(excluded.followers, followers),
      verified = coalesce(excluded.verified, verified), updated_at = excluded.updated_at`);
    this.setAnalysis = db.prepare(`UPDATE posts SET lang = ?, sentiment_label = ?, sentiment_score = ?, severity_score = ?,
      severity_terms = ?, severity_categories = ?, simhash = ? WHERE pk = ?`);
    this.search = SearchIndex.for(db);
    this.search.scheduleBackfill();
  }

  get(source: string, extId: string): StoredPost | null {
    const r = this.selectByKey.get(source, extId) as Record<string, unknown> | undefined;
    return r ? rowToPost(r) : null;
  }

  getByPk(pk: number): StoredPost | null {
    const r = this.byPk.get(pk) as Record<string, unknown> | undefined;
    return r ? rowToPost(r) : null;
  }

  /** Forget the cached source+id -> pk lookups (after a rollback they may name rows that are gone). */
  forgetCachedKeys(): void {
    this.pkCache.clear();
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
    if (a.id && (a.name != null || a.followers != null)) this.upsertAuthor.run(o.source, a.id, params.authorName, params.followers, params.verified, params.at);
    const key = `${o.source}\u0000${o.id}`;
    let pk = this.pkCache.get(key);
    if (pk === undefined) {
      const existing = this.selectPk.get(o.source, o.id) as number | undefined;
      if (existing !== undefined) pk = existing;
    }
    let isNew = false;
    let post: StoredPost;
    if (pk === undefined) {
      const r = this.insertPost.run({ ...params, reposts: params.reposts ?? 0, comments: params.comments ?? 0, likes: params.likes ?? 0, views: params.views ?? 0, heat: params.heat ?? 0 });
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
      const r = this.updatePost.get({ ...params, pk }) as { reposts: number; comments: number; likes: number } | undefined;
      post = { pk, source: o.source, extId: o.id, kind: o.kind, reposts: r?.reposts ?? 0, comments: r?.comments ?? 0, likes: r?.likes ?? 0 } as StoredPost;
    }
    if (this.pkCache.size >= PK_CACHE_MAX) this.pkCache.clear();
    this.pkCache.set(key, pk);
    if (o.metrics) this.insertSnapshot.run(pk, params.at, params.reposts, params.comments, params.likes, params.views, params.heat, params.rank);
    this.search.indexIfPending(pk);
    return { post, isNew };
  }

  saveAnalysis(pk: number, a: PostAnalysisColumns): void {
    this.setAnalysis.run(a.lang, a.sentimentLabel, a.sentimentScore, a.severityScore, JSON.stringify(a.severityTerms),
      JSON.stringify(a.severityCategories), a.simhash, pk);
  }

  snapshots(pk: number): { at: string; reposts: number | null; comments: number | null; likes: number | null }[] {
    return this.db.prepare('SELECT at, reposts, comments, likes FROM post_snapshots WHERE post_pk = ? ORDER BY at').all(pk) as never;
  }
}

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
