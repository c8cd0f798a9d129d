// Posts search for the API: filters in SQL, the watch-topic query language checked on normalized
// text. When the query has positive text terms, the FTS5 index `posts_fts` (jieba tokens of the
// normalized text, rowid = posts.pk) narrows the candidates first; every candidate is then
// verified with the compiled query, so the index only ever removes posts that cannot match.
import type { Db } from '../db/connection.js';
import { compileQuery, createTopicMatcher, type QueryNode } from '../query/index.js';
import { isTextTerm } from '../query/ast.js';
import { normalizeForMatch } from '../text/normalize.js';
import { Segmenter } from '../text/segment.js';

export interface PostSearch { q?: string; source?: string; sentiment?: string; topic?: string; from?: string; to?: string; limit: number; beforePk?: number }
export interface PostSearchResult { posts: Record<string, unknown>[]; scanned: number; truncated: boolean; usedIndex: boolean }

/** How many rows a query without usable index terms may verify before giving up (newest first). */
const SCAN_CAP = 50_000;

/** One segmenter per database, with the watch topics' terms as user words (as the indexer has). */
const segmenters = new WeakMap<Db, { seg: Segmenter; topicsKey: string }>();

function segmenterFor(db: Db): Segmenter {
  const topics = db.prepare('SELECT id, query FROM topics WHERE enabled = 1 ORDER BY id').all() as { id: string; query: string }[];
  const key = topics.map((t) => `${t.id}\u0000${t.query}`).join('\u0001');
  const cached = segmenters.get(db);
  if (cached && cached.topicsKey === key) return cached.seg;
  const seg = cached?.seg ?? new Segmenter();
  const words: string[] = [];
  for (const t of topics) {
    try { words.push(...createTopicMatcher([t]).terms()); } catch { /* a broken topic query is reported elsewhere */ }
  }
  seg.addUserWords(words.map((w) => normalizeForMatch(w)).filter((w) => w.length >= 2));
  segmenters.set(db, { seg, topicsKey: key });
  return seg;
}

const phrase = (tokens: string[]) => `"${tokens.map((t) => t.replace(/"/g, '""')).join(' ')}"`;

/**
 * An FTS5 expression whose matches are a superset of the query's (as far as segmentation agrees),
 * or null when the query can match without any text term (`-x`, `source:weibo`, `a OR -b`).
 * NOT branches and metadata filters become "true" (no narrowing). Phrases match whole jieba
 * tokens (no prefix star: prefix queries cost 100x on a large index), so a term that jieba keeps
 * inside a longer word is only found where it is segmented on its own.
 */
export function ftsExpression(node: QueryNode, cut: (s: string) => string[]): string | null {
  switch (node.kind) {
    case 'term': {
      if (!isTextTerm(node)) return null;
      const toks = cut(node.value).map((t) => t.trim()).filter(Boolean);
      return toks.length ? phrase(toks) : null;
    }
    case 'not': return null;
    case 'near': return ftsExpression({ kind: 'and', children: [node.left, node.right] }, cut);
    case 'and': {
      const parts = node.children.map((c) => ftsExpression(c, cut)).filter((x): x is string => x !== null);
      return parts.length ? parts.map((p) => `(${p})`).join(' AND ') : null;
    }
    case 'or': {
      const parts = node.children.map((c) => ftsExpression(c, cut));
      if (parts.some((p) => p === null)) return null;
      return (parts as string[]).map((p) => `(${p})`).join(' OR ');
    }
  }
}

function filters(s: PostSearch): { where: string[]; args: unknown[] } {
  const where: string[] = ["p.kind != 'trend'"];
  const args: unknown[] = [];
  const iso = (v: string, name: string) => {
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw new SearchInputError(`${name}: '${v}' is not a date`, 'use ISO 8601, e.g. 2026-08-22 or 2026-08-22T08:00:00+08:00');
    return d.toISOString();
  };
  if (s.source) { where.push('p.source = ?'); args.push(s.source); }
  if (s.sentiment) { where.push('coalesce(p.sentiment_corrected, p.sentiment_label) = ?'); args.push(s.sentiment); }
  if (s.from) { where.push('p.first_seen_at >= ?'); args.push(iso(s.from, 'from')); }
  if (s.to) { where.push('p.first_seen_at < ?'); args.push(iso(s.to, 'to')); }
  if (s.beforePk) { where.push('p.pk < ?'); args.push(s.beforePk); }
  return { where, args };
}

/** A search parameter that is not usable (bad date); the query language has QuerySyntaxError. */
export class SearchInputError extends Error {
  override name = 'SearchInputError';
  constructor(message: string, readonly hint: string) { super(message); }
}

/** Newest-first candidate rows: driven by the topic's match list when filtering by topic. */
function candidates(db: Db, s: PostSearch, where: string[], args: unknown[], cap: number): Iterable<Record<string, unknown>> {
  if (s.topic) {
    return db.prepare(`SELECT p.* FROM topic_matches tm JOIN posts p ON p.pk = tm.post_pk WHERE tm.topic_id = ? AND ${where.join(' AND ')}
      ORDER BY tm.post_pk DESC LIMIT ?`).iterate(s.topic, ...args, cap) as Iterable<Record<string, unknown>>;
  }
  return db.prepare(`SELECT p.* FROM posts p WHERE ${where.join(' AND ')} ORDER BY p.pk DESC LIMIT ?`).iterate(...args, cap) as Iterable<Record<string, unknown>>;
}

/** FTS matches newest first (FTS5 walks a doclist backwards without sorting), joined to their rows. */
function ftsCandidates(db: Db, s: PostSearch, fts: string, where: string[], args: unknown[]): Iterable<Record<string, unknown>> {
  const topic = s.topic ? ' AND EXISTS (SELECT 1 FROM topic_matches tm WHERE tm.post_pk = p.pk AND tm.topic_id = ?)' : '';
  return db.prepare(`SELECT p.* FROM posts_fts f JOIN posts p ON p.pk = f.rowid
    WHERE posts_fts MATCH ? AND ${where.join(' AND ')}${topic} ORDER BY f.rowid DESC`).iterate(fts, ...args, ...(s.topic ? [s.topic] : [])) as Iterable<Record<string, unknown>>;
}

/**
 * Results of index searches, per database, keyed by the search and the data version: any write
 * (this connection's total_changes, another's data_version) makes a new key, so a hit is never
 * stale. Repeated searches (several desks, auto-refresh) then skip re-intersecting doclists.
 */
const resultCache = new WeakMap<Db, Map<string, PostSearchResult>>();
const CACHE_MAX = 200;

const changesStmt = new WeakMap<Db, { get(): unknown }>();
function dataVersion(db: Db): string {
  let st = changesStmt.get(db);
  if (!st) changesStmt.set(db, (st = db.prepare('SELECT total_changes()').pluck()));
  return `${db.pragma('data_version', { simple: true }) as number}:${st.get() as number}`;
}

export function searchPosts(db: Db, s: PostSearch): PostSearchResult {
  if (!s.q?.trim()) return searchUncached(db, s);
  let cache = resultCache.get(db);
  if (!cache) resultCache.set(db, (cache = new Map()));
  const key = `${dataVersion(db)}|${JSON.stringify(s)}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const r = searchUncached(db, s);
  if (r.usedIndex) {
    cache.set(key, r);
    if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value as string);
  }
  return r;
}

function searchUncached(db: Db, s: PostSearch): PostSearchResult {
  const { where, args } = filters(s);
  if (!s.q?.trim()) {
    return { posts: [...candidates(db, s, where, args, s.limit)], scanned: 0, truncated: false, usedIndex: false };
  }
  const q = compileQuery(s.q);
  const seg = segmenterFor(db);
  const fts = ftsExpression(q.ast, (t) => seg.cut(t));
  const rows = fts ? ftsCandidates(db, s, fts, where, args) : candidates(db, s, where, args, SCAN_CAP);
  const out: Record<string, unknown>[] = [];
  let scanned = 0;
  for (const row of rows) {
    scanned++;
    const title = row.title ? normalizeForMatch(row.title as string) : '';
    const text = normalizeForMatch(`${(row.title as string) ?? ''} ${(row.text as string) ?? ''}`);
    if (q.matches({ text, title, source: row.source as string, authorName: (row.author_name as string) ?? undefined, authorId: (row.author_id as string) ?? undefined })) {
      out.push(row);
      if (out.length >= s.limit) break;
    }
  }
  return { posts: out, scanned, truncated: !fts && scanned >= SCAN_CAP, usedIndex: fts !== null };
}
