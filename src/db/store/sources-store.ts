// Sources and their health: sources, source events, source health state, the crawl inbox and evidence snapshots.
// Part of the store layer (src/db/store): this module is the one owner of its tables' SQL.
import type { Db } from '../connection.js';
import { Statements } from './statements.js';

/** A `sources` row as stored (a type, not an interface, so it reads as a Record<string, unknown>). */
export type SourceRow = {
  id: string; adapter: string; url: string; schedule: string | null; enabled: number;
  last_run_at: string | null; last_success_at: string | null; last_error: string | null; last_error_at: string | null;
  error_streak: number; zero_streak: number; blocked: number; blocked_reason: string | null;
  items_last_run: number; items_total: number; healthy: number;
};

/** What a run leaves in its source's row (the columns the scheduler's health events change). */
export type SourceRunState = Pick<SourceRow, 'id' | 'last_run_at' | 'last_success_at' | 'last_error' | 'last_error_at' | 'error_streak'
  | 'zero_streak' | 'blocked' | 'blocked_reason' | 'items_last_run' | 'items_total' | 'healthy'> & { at: string };

/** A configured source as registered (params as JSON, enabled as 0/1). */
export interface SourceRegistration { id: string; adapter: string; url: string; params: string; schedule: string | null; enabled: 0 | 1 }

export interface SourceEventRow { id: number; source_id: string; at: string; kind: string; message: string | null; items: number | null }

/** A worker's stored job result, as the crawl inbox keeps it (summary and observations as JSON). */
export interface InboxInsert { jobId: string; sourceId: string; kind: string; worker: string; createdAt: string; summary: string; observations: string; items: number }

export class SourcesStore {
  private readonly q: Statements;

  constructor(private readonly db: Db) {
    this.q = new Statements(db);
  }

  // ---- sources and their run state ----

  row(id: string): SourceRow | undefined {
    return this.q.get('SELECT * FROM sources WHERE id = ?').get(id) as SourceRow | undefined;
  }

  exists(id: string): boolean {
    return this.q.get('SELECT 1 FROM sources WHERE id = ?').get(id) !== undefined;
  }

  /** Every source row, by id. */
  list(): SourceRow[] {
    return this.q.get('SELECT * FROM sources ORDER BY id').all() as SourceRow[];
  }

  /** The run-state columns of the enabled sources (what the health check counts). */
  enabledRunStates(): Record<string, unknown>[] {
    return this.q.get('SELECT last_run_at, last_success_at, error_streak, zero_streak, blocked FROM sources WHERE enabled = 1').all() as Record<string, unknown>[];
  }

  /** Every source row, by id, with the items its runs brought in since `since` (ISO). */
  listWithItemsSince(since: string): Record<string, unknown>[] {
    return this.q.get(`SELECT s.*, (SELECT coalesce(sum(e.items), 0) FROM source_events e WHERE e.source_id = s.id AND e.kind = 'run' AND e.at >= ?) AS items_per_hour
      FROM sources s ORDER BY s.id`).all(since) as Record<string, unknown>[];
  }

  /** Insert or update the configured sources (one transaction); run state is kept. */
  register(sources: SourceRegistration[], now: string): void {
    const upsert = this.q.get(`INSERT INTO sources (id, adapter, url, params, schedule, enabled, updated_at) VALUES (@id, @adapter, @url, @params, @schedule, @enabled, @now)
    ON CONFLICT (id) DO UPDATE SET adapter = excluded.adapter, url = excluded.url, params = excluded.params, schedule = excluded.schedule, enabled = excluded.enabled, updated_at = excluded.updated_at`);
    this.db.transaction(() => {
      for (const s of sources) upsert.run({ ...s, now });
    })();
  }

  /**
   * Record a run's health event and the run state it leads to, in one transaction: the source's
   * row is created if unknown, the event appended (`kind` as stored: 'run' for a good run), and
   * `step` turns the current row into the state written back.
   */
  recordEvent(ev: { sourceId: string; at: string; kind: string; message: string | null; items: number | null }, step: (row: SourceRow) => SourceRunState): void {
    this.db.transaction(() => {
      this.q.get(`INSERT INTO sources (id, adapter, url, updated_at) VALUES (?, 'unknown', '', ?) ON CONFLICT (id) DO NOTHING`).run(ev.sourceId, ev.at);
      this.q.get('INSERT INTO source_events (source_id, at, kind, message, items) VALUES (?, ?, ?, ?, ?)').run(ev.sourceId, ev.at, ev.kind, ev.message, ev.items);
      const next = step(this.row(ev.sourceId)!);
      this.q.get(`UPDATE sources SET last_run_at = @last_run_at, last_success_at = @last_success_at, last_error = @last_error,
    last_error_at = @last_error_at, error_streak = @error_streak, zero_streak = @zero_streak, blocked = @blocked, blocked_reason = @blocked_reason,
    items_last_run = @items_last_run, items_total = @items_total, healthy = @healthy, updated_at = @at WHERE id = @id`).run({
        id: next.id, at: next.at, last_run_at: next.last_run_at, last_success_at: next.last_success_at, last_error: next.last_error,
        last_error_at: next.last_error_at, error_streak: next.error_streak, zero_streak: next.zero_streak, blocked: next.blocked,
        blocked_reason: next.blocked_reason, items_last_run: next.items_last_run, items_total: next.items_total, healthy: next.healthy,
      });
    })();
  }

  // ---- source events ----

  /** Latest events, newest first, of one source or of all. */
  events(sourceId: string | undefined, limit: number): SourceEventRow[] {
    return (sourceId
      ? this.q.get('SELECT * FROM source_events WHERE source_id = ? ORDER BY at DESC, id DESC LIMIT ?').all(sourceId, limit)
      : this.q.get('SELECT * FROM source_events ORDER BY at DESC, id DESC LIMIT ?').all(limit)) as SourceEventRow[];
  }

  /** A source's latest events as the API lists them (time, kind, message, items), newest first. */
  recentEvents(sourceId: string, limit: number): { at: string; kind: string; message: string | null; items: number | null }[] {
    return this.q.get('SELECT at, kind, message, items FROM source_events WHERE source_id = ? ORDER BY at DESC LIMIT ?').all(sourceId, limit) as never;
  }

  /** The kinds of a source's latest `limit` events, newest first. */
  recentEventKinds(sourceId: string, limit: number): string[] {
    return this.q.pluck('SELECT kind FROM source_events WHERE source_id = ? ORDER BY at DESC, id DESC LIMIT ?').all(sourceId, limit) as string[];
  }

  /** Whether any run of the source ever brought items. */
  everHadItems(sourceId: string): boolean {
    return this.q.get('SELECT 1 FROM source_events WHERE source_id = ? AND items > 0 LIMIT 1').get(sourceId) !== undefined;
  }

  /** A source's streaks and total items (undefined for an unknown source). */
  streaks(id: string): { error_streak: number; zero_streak: number; items_total: number } | undefined {
    return this.q.get('SELECT error_streak, zero_streak, items_total FROM sources WHERE id = ?').get(id) as { error_streak: number; zero_streak: number; items_total: number } | undefined;
  }

  // ---- source health state (what the admin receiver was last told) ----

  healthState(sourceId: string): string | undefined {
    return this.q.pluck('SELECT state FROM source_health_state WHERE source_id = ?').get(sourceId) as string | undefined;
  }

  setHealthState(sourceId: string, state: string, since: string, message: string | null): void {
    this.q.get(`INSERT INTO source_health_state (source_id, state, since, message) VALUES (?, ?, ?, ?)
        ON CONFLICT (source_id) DO UPDATE SET state = excluded.state, since = excluded.since, message = excluded.message`)
      .run(sourceId, state, since, message);
  }

  // ---- the crawl inbox (migration 010; src/queue/crawl-inbox.ts) ----

  /** Store a job's result (one transaction); false when the job had stored one already. */
  inboxPut(row: InboxInsert): boolean {
    const insert = this.q.get(`INSERT INTO crawl_inbox (job_id, source_id, kind, worker, created_at, summary, observations, items)
      VALUES (@jobId, @sourceId, @kind, @worker, @createdAt, @summary, @observations, @items) ON CONFLICT (job_id) DO NOTHING`);
    return this.db.transaction(() => insert.run(row).changes === 1)();
  }

  /** The summary (JSON) a job stored, if any. */
  inboxSummary(jobId: string): string | undefined {
    return this.q.pluck('SELECT summary FROM crawl_inbox WHERE job_id = ?').get(jobId) as string | undefined;
  }

  /** Rows not yet ingested, oldest first. */
  inboxPending(limit: number): { id: number; jobId: string; observations: string | null }[] {
    return this.q.get('SELECT id, job_id AS jobId, observations FROM crawl_inbox WHERE ingested_at IS NULL ORDER BY id LIMIT ?').all(limit) as never;
  }

  /** Mark a row ingested (its observations are dropped). */
  inboxTake(id: number, at: string): void {
    this.q.get('UPDATE crawl_inbox SET ingested_at = ?, observations = NULL WHERE id = ? AND ingested_at IS NULL').run(at, id);
  }

  /** Forget rows ingested before `before` (ISO). */
  inboxPrune(before: string): void {
    this.q.get('DELETE FROM crawl_inbox WHERE ingested_at IS NOT NULL AND ingested_at < ?').run(before);
  }

  inboxPendingCount(): number {
    return this.q.pluck('SELECT count(*) FROM crawl_inbox WHERE ingested_at IS NULL').get() as number;
  }

  // ---- evidence snapshots (incident_evidence; src/evidence/archive.ts) ----

  /** Posts of an incident that already have a screenshot. */
  screenshotPostPks(incidentId: string): number[] {
    return this.q.pluck("SELECT post_pk FROM incident_evidence WHERE incident_id = ? AND kind = 'screenshot'").all(incidentId) as number[];
  }

  addEvidence(e: { incidentId: string; postPk: number; at: string; kind: 'screenshot' | 'html'; path: string; sha256: string }): void {
    this.q.get('INSERT INTO incident_evidence (incident_id, post_pk, at, kind, path, sha256) VALUES (?, ?, ?, ?, ?, ?)')
      .run(e.incidentId, e.postPk, e.at, e.kind, e.path, e.sha256);
  }

  /** An incident's evidence with the post each shows, newest first. */
  evidenceOf(incidentId: string): Record<string, unknown>[] {
    return this.q.get(`SELECT e.id, e.post_pk AS postPk, e.at, e.kind, e.sha256, p.url, p.source, p.ext_id AS postId
      FROM incident_evidence e LEFT JOIN posts p ON p.pk = e.post_pk WHERE e.incident_id = ? ORDER BY e.at DESC, e.id`).all(incidentId) as Record<string, unknown>[];
  }

  evidenceFile(id: number): { id: number; kind: string; path: string } | undefined {
    return this.q.get('SELECT id, kind, path FROM incident_evidence WHERE id = ?').get(id) as { id: number; kind: string; path: string } | undefined;
  }
}
