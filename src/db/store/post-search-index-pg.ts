// The post search index on PostgreSQL (migrations-pg/006): the same 1- and 2-character gram
// tokens as the SQLite FTS5 index (src/query/search-grams.ts), stored per post as a text[] with a
// GIN index, so `grams @> ARRAY[...]` finds every post holding the characters typed. The gram
// expressions the search builds ("tok" AND ("a" OR "b")) become array containment tests; the
// queue (post_grams_pending, filled by triggers) is worked through as on SQLite.
// Part of the store layer, owned by PostsStore on a PostgreSQL connection.
import type { Db } from '../connection.js';
import { docTokens } from '../../query/search-grams.js';
import { matchDocOfRow, QUEUE_SQL, type SearchableRow, type SearchIndex } from './post-search-index.js';
import { normalizeForMatch } from '../../text/normalize.js';

/** Candidate rows fetched per round trip while a search walks newest first. */
const PAGE = 400;
const BACKFILL_PAUSE_MS = 5;
const DRAIN_BATCH = 512;
/** Posts indexed together as they are written. */
const INDEX_BATCH = 256;

function tokensOfRow(row: SearchableRow): string[] {
  const d = matchDocOfRow(row);
  const s = docTokens({ text: d.text, title: d.title, source: d.source, authorId: d.authorId, authorName: normalizeForMatch(d.authorName) });
  return [...new Set(s.split(/\s+/).filter(Boolean))];
}

/** A gram expression ("t1" AND ("t2" OR "t3")) as SQL over g.grams, with its tokens as parameters. */
export function gramExprToSql(expr: string): { sql: string; params: string[] } {
  const params: string[] = [];
  const marked = expr.replace(/"((?:[^"]|"")*)"/g, (_, t: string) => { params.push(t.replace(/""/g, '"')); return ' § '; });
  if (!/^(\s|\(|\)|AND|OR|§)*$/.test(marked)) throw new Error(`unexpected gram expression: ${expr.slice(0, 80)}`);
  return { sql: marked.replace(/§/g, 'g.grams @> ARRAY[?]::text[]'), params };
}

export class PgSearchIndex implements Pick<SearchIndex, 'candidates' | 'queuedRows' | 'dataVersion' | 'indexIfPending' | 'hasPending' | 'drain' | 'mergeStep' | 'scheduleBackfill'> {
  private readonly newestPending;
  private readonly anyPending;
  private readonly insert;
  private readonly remove;
  private readonly walPosition;
  private readonly takeMany;
  private readonly rowsByPk;
  private waiting: number[] = [];
  private backfillTimer: NodeJS.Timeout | null = null;

  constructor(private readonly db: Db) {
    this.newestPending = db.prepare(QUEUE_SQL.newestPending);
    this.anyPending = db.prepare(QUEUE_SQL.anyPending).pluck();
    this.insert = db.prepare('INSERT INTO post_grams (pk, grams) VALUES (?, ?) ON CONFLICT (pk) DO UPDATE SET grams = excluded.grams');
    this.remove = db.prepare('DELETE FROM post_grams WHERE pk = ?');
    this.walPosition = db.prepare('SELECT pg_current_wal_insert_lsn()::text').pluck();
    this.takeMany = db.prepare('DELETE FROM post_grams_pending WHERE pk = ANY(?::bigint[]) RETURNING pk, is_new');
    this.rowsByPk = db.prepare('SELECT pk, title, text, source, author_id, author_name FROM posts WHERE pk = ANY(?::bigint[])');
  }

  /** Index rows matching a gram expression with pk <= hi, newest first, fetched a page at a time. */
  *candidates(expr: string, hi: number): Iterable<Record<string, unknown>> {
    if (this.waiting.length) this.indexWaiting(); // this process's posts are searched as written
    const { sql, params } = gramExprToSql(expr);
    const page = this.db.prepare(`SELECT p.* FROM post_grams g JOIN posts p ON p.pk = g.pk
      WHERE (${sql}) AND g.pk <= ? ORDER BY g.pk DESC LIMIT ${PAGE}`);
    let top = hi;
    for (;;) {
      const rows = page.all(...params, top) as Record<string, unknown>[];
      yield* rows;
      if (rows.length < PAGE) return;
      top = Number(rows[rows.length - 1].pk) - 1;
    }
  }

  *queuedRows(hi: number): Iterable<Record<string, unknown>> {
    if (this.waiting.length) this.indexWaiting();
    const page = this.db.prepare(`SELECT p.* FROM post_grams_pending g JOIN posts p ON p.pk = g.pk
      WHERE g.pk <= ? ORDER BY g.pk DESC LIMIT ${PAGE}`);
    let top = hi;
    for (;;) {
      const rows = page.all(top) as Record<string, unknown>[];
      yield* rows;
      if (rows.length < PAGE) return;
      top = Number(rows[rows.length - 1].pk) - 1;
    }
  }

  /** The server's WAL position: it moves with every committed write, from any connection. */
  dataVersion(): string {
    return String(this.walPosition.get());
  }

  /**
   * Index post `pk` if the triggers queued it. On PostgreSQL a round trip per post would dominate
   * ingest, so posts are taken from the queue in batches of INDEX_BATCH (two reads, then queued
   * writes); until then a post waits in post_grams_pending, which searches read as candidates, so
   * results stay complete.
   */
  indexIfPending(pk: number): void {
    this.waiting.push(pk);
    if (this.waiting.length >= INDEX_BATCH) this.indexWaiting();
  }

  private indexWaiting(): void {
    if (!this.waiting.length) return;
    // taking posts off the queue and writing their grams commit together
    if (!this.db.inTransaction) return this.db.transaction(() => this.indexWaiting())();
    const pks = this.waiting;
    this.waiting = [];
    const taken = this.takeMany.all([pks]) as { pk: number; is_new: number }[];
    if (!taken.length) return;
    const rows = new Map((this.rowsByPk.all([taken.map((t) => t.pk)]) as (SearchableRow & { pk: number })[]).map((r) => [Number(r.pk), r]));
    for (const t of taken) {
      const row = rows.get(Number(t.pk));
      if (!t.is_new) this.remove.run(t.pk);
      if (row) this.insert.run(t.pk, tokensOfRow(row));
    }
  }

  hasPending(): boolean {
    return this.anyPending.get() === 1;
  }

  /** Index queued posts, newest first, a batch at a time (two reads and one write each), until the queue is empty or `maxMs` has passed. */
  drain(maxMs: number): number {
    if (!(this.db as { open?: boolean }).open) return 0;
    const deadline = performance.now() + maxMs;
    let done = 0;
    for (;;) {
      const pks = (this.newestPending.all(DRAIN_BATCH) as { pk: number }[]).map((r) => Number(r.pk));
      this.waiting.push(...pks);
      this.indexWaiting();
      done += pks.length;
      if (pks.length < DRAIN_BATCH || performance.now() >= deadline) return done;
    }
  }

  /** GIN needs no merging by hand (autovacuum cleans its pending list). */
  mergeStep(): boolean {
    return false;
  }

  scheduleBackfill(): void {
    if (this.backfillTimer || !(this.db as { open?: boolean }).open || !this.hasPending()) return;
    const step = () => {
      this.backfillTimer = null;
      if (!(this.db as { open?: boolean }).open) return;
      this.drain(20);
      if (this.hasPending()) {
        this.backfillTimer = setTimeout(step, BACKFILL_PAUSE_MS);
        this.backfillTimer.unref();
      }
    };
    this.backfillTimer = setTimeout(step, 0);
    this.backfillTimer.unref();
  }
}
