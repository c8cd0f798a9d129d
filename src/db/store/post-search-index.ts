// The post search index (migration 006): one FTS5 row per post holding the hex tokens of every
// 1- and 2-character gram of its normalized title and text, its author and its source
// (src/query/search-grams.ts). Triggers on `posts` queue every new or edited post in
// `post_grams_pending`; this module turns queued posts into index rows: PostsStore does it for each
// post it writes, and a background backfill (newest first, in short slices) works through the
// queue the migration filled with the posts that existed before it. Searches treat queued posts
// as candidates, so results are complete while the backfill runs.
// Part of the store layer, owned by PostsStore (storeOf(db).posts.search). FTS5 (MATCH, rowid,
// the 'merge' command), total_changes() and the busy_timeout pragma are SQLite's.
import type { Db } from '../connection.js';
import { Statements } from './statements.js';
import { docTokens } from '../../query/search-grams.js';
import type { MatchDoc } from '../../query/index.js';
import { normalizeForMatch } from '../../text/normalize.js';

/** The columns of a post the query language looks at. */
export interface SearchableRow {
  title?: unknown;
  text?: unknown;
  source?: unknown;
  author_id?: unknown;
  author_name?: unknown;
}

const s = (v: unknown): string | undefined => (v == null ? undefined : String(v));

/**
 * A posts row as the query evaluator sees it (normalized text and title): the one definition
 * that indexing and search verification share. Text and title are normalized on first read, so
 * verifying `source:`/`author:` filters costs no normalization.
 */
export function matchDocOfRow(row: SearchableRow): MatchDoc {
  const title = s(row.title);
  let text: string | undefined;
  let normTitle: string | undefined;
  return {
    get text() { return (text ??= normalizeForMatch(`${title ?? ''} ${s(row.text) ?? ''}`)); },
    get title() { return (normTitle ??= title ? normalizeForMatch(title) : ''); },
    source: s(row.source),
    authorName: s(row.author_name),
    authorId: s(row.author_id),
  };
}

function tokensOfRow(row: SearchableRow): string {
  const d = matchDocOfRow(row);
  return docTokens({ text: d.text, title: d.title, source: d.source, authorId: d.authorId, authorName: normalizeForMatch(d.authorName) });
}

/** How long one background backfill slice may hold the event loop, and the pause between slices. */
const BACKFILL_SLICE_MS = 20;
const BACKFILL_PAUSE_MS = 5;
/** A backfill of at least this many posts is followed by an incremental optimize... */
const MERGE_AFTER = 2000;
/** ...in steps of this many pages (~20 ms each). */
const MERGE_PAGES = 64;
/** Queued posts indexed per step of a drain (about 20 ms of work; one FTS5 segment flush each). */
const DRAIN_BATCH = 512;

/** The indexing queue's statements, the same on SQLite and PostgreSQL (post-search-index-pg.ts). */
export const QUEUE_SQL = {
  takePending: 'DELETE FROM post_grams_pending WHERE pk = ? RETURNING is_new',
  rowByPk: 'SELECT pk, title, text, source, author_id, author_name FROM posts WHERE pk = ?',
  newestPending: `SELECT q.pk, q.is_new, p.pk AS exists_pk, p.title, p.text, p.source, p.author_id, p.author_name
      FROM post_grams_pending q LEFT JOIN posts p ON p.pk = q.pk ORDER BY q.pk DESC LIMIT ?`,
  anyPending: 'SELECT EXISTS (SELECT 1 FROM post_grams_pending)',
};

const isBusy = (e: unknown) => (e as { code?: string })?.code === 'SQLITE_BUSY' || (e as { code?: string })?.code === 'SQLITE_LOCKED';

export class SearchIndex {
  private readonly takePending;
  private readonly rowByPk;
  private readonly newestPending;
  private readonly anyPending;
  private readonly insert;
  private readonly remove;
  private readonly merge;
  private readonly totalChanges;
  private readonly q: Statements;
  private backfillTimer: NodeJS.Timeout | null = null;

  /** One index object per connection (it holds prepared statements and the backfill timer): PostsStore makes it. */
  constructor(private readonly db: Db) {
    this.q = new Statements(db);
    this.takePending = db.prepare(QUEUE_SQL.takePending).pluck();
    this.rowByPk = db.prepare(QUEUE_SQL.rowByPk);
    this.newestPending = db.prepare(QUEUE_SQL.newestPending);
    this.anyPending = db.prepare(QUEUE_SQL.anyPending).pluck();
    this.insert = db.prepare('INSERT INTO post_grams (rowid, grams) VALUES (?, ?)');
    this.remove = db.prepare('DELETE FROM post_grams WHERE rowid = ?');
    // a negative page count merges every segment (an incremental 'optimize'); FTS5 wants an integer literal
    this.merge = db.prepare(`INSERT INTO post_grams (post_grams, rank) VALUES ('merge', ${-MERGE_PAGES})`);
    this.totalChanges = db.prepare('SELECT total_changes()').pluck(); // dialect: sqlite-only
  }

  /**
   * Index rows matching an FTS5 expression with pk <= hi, newest first, as full posts rows.
   * dialect: sqlite-only (FTS5 MATCH and rowid).
   */
  candidates(expr: string, hi: number): Iterable<Record<string, unknown>> {
    return this.q.get(`SELECT p.* FROM post_grams f JOIN posts p ON p.pk = f.rowid
    WHERE post_grams MATCH ? AND f.rowid <= ? ORDER BY f.rowid DESC`).iterate(expr, hi) as Iterable<Record<string, unknown>>;
  }

  /** Posts still queued for indexing with pk <= hi, newest first, as full posts rows. */
  queuedRows(hi: number): Iterable<Record<string, unknown>> {
    return this.q.get(`SELECT p.* FROM post_grams_pending g JOIN posts p ON p.pk = g.pk
    WHERE g.pk <= ? ORDER BY g.pk DESC`).iterate(hi) as Iterable<Record<string, unknown>>;
  }

  /**
   * A key that changes with every write to the database, from this connection (total_changes) or
   * another (data_version): search results cached under it are never stale.
   * dialect: sqlite-only (pragma data_version, total_changes()).
   */
  dataVersion(): string {
    return `${this.db.pragma('data_version', { simple: true }) as number}:${this.totalChanges.get() as number}`;
  }

  /**
   * Index post `pk` now if the triggers queued it (it is new, or its text, title, source or author
   * changed). Runs in the caller's transaction: PostsStore.upsert calls it after every write.
   */
  indexIfPending(pk: number): void {
    const isNew = this.takePending.get(pk) as number | undefined;
    if (isNew === undefined) return;
    const row = this.rowByPk.get(pk) as SearchableRow | undefined;
    if (!isNew) this.remove.run(pk);
    if (row) this.insert.run(pk, tokensOfRow(row));
  }

  /** Whether any post waits to be indexed. */
  hasPending(): boolean {
    return this.anyPending.get() === 1;
  }

  /**
   * Index queued posts, newest first, until the queue is empty or `maxMs` has passed; returns how
   * many were indexed. Never waits for another process's write lock (returns 0 instead), so a
   * search or the backfill cannot stall the event loop behind a busy writer.
   */
  drain(maxMs: number): number {
    const deadline = performance.now() + maxMs;
    // about 50 µs a post: keep one step within the time given
    const batch = Math.max(16, Math.min(DRAIN_BATCH, Math.floor(maxMs * 20)));
    // Batches are taken newest first (recent posts are searched most) but inserted in ascending
    // rowid order: FTS5 flushes its pending terms to a new segment whenever a rowid is lower than
    // the last one written, which made descending inserts 4x slower.
    return this.writeWithoutWaiting(() => {
      let done = 0;
      for (;;) {
        const rows = this.newestPending.all(batch) as (SearchableRow & { pk: number; is_new: number; exists_pk: number | null })[];
        rows.reverse();
        for (const r of rows) {
          this.takePending.get(r.pk);
          if (!r.is_new) this.remove.run(r.pk);
          if (r.exists_pk !== null) this.insert.run(r.pk, tokensOfRow(r));
        }
        done += rows.length;
        if (rows.length < batch || performance.now() >= deadline) return done;
      }
    }) ?? 0;
  }

  /**
   * One step of an incremental FTS5 optimize (about MERGE_PAGES pages of merged index written);
   * false when there was nothing left to merge (or the database was busy).
   */
  mergeStep(): boolean {
    return this.writeWithoutWaiting(() => {
      const before = this.totalChanges.get() as number;
      this.merge.run();
      return (this.totalChanges.get() as number) - before >= 2;
    }) ?? false;
  }

  /**
   * `fn` in a write transaction (the caller's, if one is open), or null when another connection holds the write lock.
   * dialect: sqlite-only (busy_timeout pragma).
   */
  private writeWithoutWaiting<T>(fn: () => T): T | null {
    if (this.db.readonly || !this.db.open) return null;
    if (this.db.inTransaction) return fn();
    const prevTimeout = this.db.pragma('busy_timeout', { simple: true }) as number;
    this.db.pragma('busy_timeout = 0');
    try {
      return this.db.transaction(fn)();
    } catch (e) {
      if (isBusy(e)) return null;
      throw e;
    } finally {
      this.db.pragma(`busy_timeout = ${prevTimeout}`);
    }
  }

  /**
   * Work through the queue in the background: slices of at most BACKFILL_SLICE_MS with a pause
   * between them (timers are unref'd; the work stops when the connection closes). A backfill of
   * many posts leaves the index in many small segments, so it is followed by an incremental
   * optimize in the same small steps (a 1 M-post index is then about twice as fast to query).
   * Idempotent.
   */
  scheduleBackfill(): void {
    if (this.backfillTimer || this.db.readonly || !this.db.open || !this.hasPending()) return;
    let drained = 0;
    const again = (fn: () => void) => {
      this.backfillTimer = setTimeout(fn, BACKFILL_PAUSE_MS);
      this.backfillTimer.unref();
    };
    const merge = () => {
      this.backfillTimer = null;
      if (!this.db.open || this.hasPending()) return this.scheduleBackfill();
      if (this.mergeStep()) again(merge);
    };
    const step = () => {
      this.backfillTimer = null;
      if (!this.db.open) return;
      drained += this.drain(BACKFILL_SLICE_MS);
      if (this.hasPending()) again(step);
      else if (drained >= MERGE_AFTER) again(merge);
    };
    this.backfillTimer = setTimeout(step, 0);
    this.backfillTimer.unref();
  }
}
