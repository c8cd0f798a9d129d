// Posts search for the API and the rules page's "test query": the watch-topic query language
// (contracts §4) with the same semantics as the live topic matcher, i.e. a term matches as a
// substring of the normalized text from one character up. The gram index (migration 006,
// src/query/search-grams.ts) narrows candidates, source:/author: filters included; every
// candidate is then verified with the query evaluator on the normalized text, so results equal
// the evaluator's. Queries the index cannot narrow (`-召回`, `a OR -b`) scan posts newest first.
//
// Every search is bounded: candidates are read newest first, and a search that has spent its time
// budget stops and hands back a cursor (`nextBeforePk`) to continue from, so no request can hold
// the event loop for long, whatever the query.
import type { Db } from '../db/connection.js';
import { compileQuery, type CompiledQuery } from '../query/index.js';
import { gramExpression, sourceExpression } from '../query/search-grams.js';
import { matchDocOfRow } from '../db/store/post-search-index.js';
import { storeOf } from '../db/store/index.js';

export interface PostSearch {
  q?: string; source?: string; sentiment?: string; topic?: string; from?: string; to?: string; limit: number;
  /** only posts with pk < beforePk (the cursor from a previous page) */
  beforePk?: number;
  /** time budget for this call in ms (default 40); past it the search stops with a cursor */
  budgetMs?: number;
}

export interface PostSearchResult {
  /** matching posts, newest (highest pk) first */
  posts: Record<string, unknown>[];
  /** candidate rows examined */
  scanned: number;
  /** the search stopped at its time budget before it had examined every candidate */
  truncated: boolean;
  /** the gram index narrowed the candidates (false: the query needed a scan) */
  usedIndex: boolean;
  /** pass as `beforePk` to continue (more results may exist below it); null when there are none */
  nextBeforePk: number | null;
}

/** Time one search may take before it returns what it has and a cursor. */
const BUDGET_MS = 40;
/** Scans read posts in windows of post ids, the first this wide, doubling up to the max... */
const FIRST_WINDOW = 4096;
const MAX_WINDOW = 1 << 20;
/** ...and the budget is checked every this many candidates as well as between windows. */
const CHECK_EVERY = 64;
/** Queries longer than this are refused (a search box, not a document). */
const MAX_QUERY_LENGTH = 4000;

/** A search parameter that is not usable (bad date); the query language has QuerySyntaxError. */
export class SearchInputError extends Error {
  override name = 'SearchInputError';
  constructor(message: string, readonly hint: string) { super(message); }
}

type Row = Record<string, unknown>;

function iso(v: string, name: string): string {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new SearchInputError(`${name}: '${v}' is not a date`, 'use ISO 8601, e.g. 2026-08-22 or 2026-08-22T08:00:00+08:00');
  return d.toISOString();
}

/**
 * The same filters as a test on a row, for index candidates: checked here rather than in SQL so
 * that every candidate passes through the time-budget check (SQLite would skip non-matching rows
 * where the budget cannot see them).
 */
function rowFilter(db: Db, s: PostSearch): (row: Row) => boolean {
  const from = s.from ? iso(s.from, 'from') : null;
  const to = s.to ? iso(s.to, 'to') : null;
  const posts = storeOf(db).posts;
  return (r) => r.kind !== 'trend'
    && (!s.source || r.source === s.source)
    && (!s.sentiment || (r.sentiment_corrected ?? r.sentiment_label) === s.sentiment)
    && (from === null || (r.first_seen_at as string) >= from)
    && (to === null || (r.first_seen_at as string) < to)
    && (!s.topic || posts.matchedTopic(s.topic, r.pk as number));
}

/**
 * Index candidates with pk <= hi, newest first, in one pass over the gram index (FTS5 seeks a
 * rowid bound by walking the doclist, so one stream beats re-seeking windows), merged with the
 * posts still queued for indexing.
 */
function indexedRows(db: Db, expr: string, hi: number, queued: boolean): Iterable<Row> {
  const index = storeOf(db).posts.search;
  const indexed = index.candidates(expr, hi);
  if (!queued) return indexed;
  return mergeNewestFirst(indexed, index.queuedRows(hi));
}

/**
 * Scan candidates (the query cannot be narrowed by the index) with pk <= hi, newest first: the
 * topic's matches or all posts, filtered in SQL, in windows of post ids that widen as they go;
 * between windows the deadline is checked and `stop.at` set to where to continue.
 */
function* scannedRows(db: Db, s: PostSearch, hi: number, deadline: number, stop: { at?: number }): Generator<Row> {
  const window = storeOf(db).posts.scanner({
    topic: s.topic, source: s.source, sentiment: s.sentiment, from: s.from ? iso(s.from, 'from') : null, to: s.to ? iso(s.to, 'to') : null,
  });
  let width = FIRST_WINDOW;
  while (hi >= 1) {
    const lo = Math.max(1, hi - width + 1);
    yield* window(lo, hi);
    hi = lo - 1;
    width = Math.min(MAX_WINDOW, width * 2);
    if (hi >= 1 && performance.now() >= deadline) { stop.at = hi + 1; return; }
  }
}

/** Two newest-first row streams as one, each pk once (a queued post may still have old index rows). */
function* mergeNewestFirst(a: Iterable<Row>, b: Iterable<Row>): Generator<Row> {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  let x = ia.next();
  let y = ib.next();
  try {
    while (!x.done || !y.done) {
      if (y.done || (!x.done && (x.value.pk as number) > (y.value.pk as number))) { yield x.value; x = ia.next(); }
      else if (x.done || (y.value.pk as number) > (x.value.pk as number)) { yield y.value; y = ib.next(); }
      else { yield x.value; x = ia.next(); y = ib.next(); }
    }
  } finally {
    ia.return?.();
    ib.return?.();
  }
}

/** Refuses what cannot be a search (NUL and other control characters answer 400 via QuerySyntaxError). */
function compile(q: string): CompiledQuery {
  if (q.length > MAX_QUERY_LENGTH) throw new SearchInputError(`the query is ${q.length} characters long`, `keep it under ${MAX_QUERY_LENGTH} characters`);
  return compileQuery(q);
}

/**
 * Results of searches, per database, keyed by the search and the data version: any write (this
 * connection's total_changes, another's data_version) makes a new key, so a hit is never stale.
 * Repeated searches (several desks, auto-refresh) are then answered without touching the index.
 */
const resultCache = new WeakMap<Db, Map<string, PostSearchResult>>();
const CACHE_MAX = 200;
/** Only pages up to this size are kept (the explorer asks for 100): exports and big pages would hold too much. */
const CACHE_MAX_POSTS = 200;

export function searchPosts(db: Db, s: PostSearch): PostSearchResult {
  const budget = s.budgetMs ?? BUDGET_MS;
  const index = storeOf(db).posts.search;
  let queued = index.hasPending();
  if (queued) {
    // posts written behind PostsStore's back (or before migration 006) are indexed here a slice
    // at a time and by the background backfill; what is still queued is searched directly
    index.drain(Math.min(10, budget / 4));
    index.scheduleBackfill();
    queued = index.hasPending();
  }
  // the budget is the search's own (the drain above has its own limit)
  const started = performance.now();
  if (!s.q?.trim()) return searchUncached(db, s, null, queued, started + budget);
  const q = compile(s.q);
  let cache = resultCache.get(db);
  if (!cache) resultCache.set(db, (cache = new Map()));
  const key = `${index.dataVersion()}|${JSON.stringify({ ...s, budgetMs: undefined })}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const r = searchUncached(db, s, q, queued, started + budget);
  if (r.posts.length <= CACHE_MAX_POSTS) {
    cache.set(key, r);
    if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value as string);
  }
  return r;
}

function searchUncached(db: Db, s: PostSearch, q: CompiledQuery | null, queued: boolean, deadline: number): PostSearchResult {
  const parts = [q ? gramExpression(q.ast) : null, s.source ? sourceExpression(s.source) : null].filter((x): x is string => x !== null);
  const expr = parts.length ? parts.map((p) => `(${p})`).join(' AND ') : null;
  const maxPk = storeOf(db).posts.maxPk();
  const hi = s.beforePk ? Math.min(s.beforePk - 1, maxPk) : maxPk;
  const stop: { at?: number } = {};
  const accept = expr ? rowFilter(db, s) : () => true;
  const rows = expr ? indexedRows(db, expr, hi, queued) : scannedRows(db, s, hi, deadline, stop);
  const out: Row[] = [];
  let scanned = 0;
  const result = (nextBeforePk: number | null, truncated: boolean): PostSearchResult =>
    ({ posts: out, scanned, truncated, usedIndex: expr !== null, nextBeforePk });
  for (const row of rows) {
    scanned++;
    const pk = row.pk as number;
    if (accept(row) && (!q || q.matches(matchDocOfRow(row)))) {
      out.push(row);
      if (out.length >= s.limit) return result(pk, false);
    }
    if (scanned % CHECK_EVERY === 0 && performance.now() >= deadline) return result(pk, true);
  }
  return stop.at !== undefined ? result(stop.at, true) : result(null, false);
}
