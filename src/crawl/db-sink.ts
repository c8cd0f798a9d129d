// The SQLite side of the scheduler: writes the `sources` table (last success, error streak,
// zero-item streak, blocked state, items per run) and `source_events`, hands observations to the
// pipeline's `ingest`, answers knownIds from `posts`, and picks posts due for re-observation
// (decaying schedule, see reobserve.ts) from `posts`.
import type { Db } from '../db/connection.js';
import type { Observation } from '../core/observation.js';
import type { CrawlSink } from './scheduler.js';
import type { SourceConfig } from './sources-config.js';
import { isHealthy, sourceStateOfRow, type SourceHealthEvent, type SourceStatus } from './source-health.js';
import { DEFAULT_REOBSERVE, dueForReobservation, type ReobservePolicy, type ReobserveSettings, type SeenPost } from './reobserve.js';

export interface DbSinkOptions {
  reobserve?: Partial<ReobserveSettings>;
  /** only these observation sources are re-observed (default: all) */
  reobserveSources?: string[];
}

export interface DbCrawlSink extends CrawlSink {
  /** stored status of every source, for the API and dashboard */
  listSources(): SourceStatus[];
  /** latest health events, newest first */
  listEvents(opts?: { sourceId?: string; limit?: number }): (SourceHealthEvent & { id: number })[];
}

interface SourceRow {
  id: string; adapter: string; url: string; schedule: string | null; enabled: number;
  last_run_at: string | null; last_success_at: string | null; last_error: string | null; last_error_at: string | null;
  error_streak: number; zero_streak: number; blocked: number; blocked_reason: string | null;
  items_last_run: number; items_total: number; healthy: number;
}

function rowToStatus(r: SourceRow): SourceStatus {
  return {
    id: r.id, adapter: r.adapter, url: r.url, enabled: !!r.enabled, schedule: r.schedule ?? '', running: false,
    lastRunAt: r.last_run_at, lastSuccessAt: r.last_success_at, lastError: r.last_error, lastErrorAt: r.last_error_at,
    errorStreak: r.error_streak, zeroStreak: r.zero_streak, blocked: !!r.blocked, blockedReason: r.blocked_reason,
    blockedAt: r.blocked ? r.last_error_at : null, itemsLastRun: r.items_last_run, itemsTotal: r.items_total,
    healthy: !!r.healthy, nextRunAt: null,
  };
}

export function createDbSink(db: Db, ingest: (obs: Observation[], now: Date) => void, opts: DbSinkOptions = {}): DbCrawlSink {
  const settings: ReobserveSettings = { ...DEFAULT_REOBSERVE, ...opts.reobserve };
  const ensure = db.prepare(`INSERT INTO sources (id, adapter, url, updated_at) VALUES (?, 'unknown', '', ?) ON CONFLICT (id) DO NOTHING`);
  const upsert = db.prepare(`INSERT INTO sources (id, adapter, url, params, schedule, enabled, updated_at) VALUES (@id, @adapter, @url, @params, @schedule, @enabled, @now)
    ON CONFLICT (id) DO UPDATE SET adapter = excluded.adapter, url = excluded.url, params = excluded.params, schedule = excluded.schedule, enabled = excluded.enabled, updated_at = excluded.updated_at`);
  const insertEvent = db.prepare('INSERT INTO source_events (source_id, at, kind, message, items) VALUES (?, ?, ?, ?, ?)');
  const getRow = db.prepare('SELECT * FROM sources WHERE id = ?');
  const update = db.prepare(`UPDATE sources SET last_run_at = @last_run_at, last_success_at = @last_success_at, last_error = @last_error,
    last_error_at = @last_error_at, error_streak = @error_streak, zero_streak = @zero_streak, blocked = @blocked, blocked_reason = @blocked_reason,
    items_last_run = @items_last_run, items_total = @items_total, healthy = @healthy, updated_at = @at WHERE id = @id`);

  const applyEvent = db.transaction((ev: SourceHealthEvent) => {
    ensure.run(ev.sourceId, ev.at);
    insertEvent.run(ev.sourceId, ev.at, ev.kind === 'ok' ? 'run' : ev.kind, ev.message ?? null, ev.items ?? null);
    const r = getRow.get(ev.sourceId) as SourceRow;
    const next = { ...r, at: ev.at, last_run_at: ev.at };
    switch (ev.kind) {
      case 'ok':
        Object.assign(next, { last_success_at: ev.at, error_streak: 0, zero_streak: 0, blocked: 0, blocked_reason: null, items_last_run: ev.items ?? 0, items_total: r.items_total + (ev.items ?? 0) });
        break;
      case 'empty':
        Object.assign(next, { last_success_at: ev.at, error_streak: 0, zero_streak: r.zero_streak + 1, blocked: 0, blocked_reason: null, items_last_run: 0 });
        break;
      case 'error':
        Object.assign(next, { last_error: ev.message ?? 'error', last_error_at: ev.at, error_streak: r.error_streak + (r.blocked ? 0 : 1) });
        break;
      case 'blocked':
        Object.assign(next, { last_error: ev.message ?? 'blocked', last_error_at: ev.at, error_streak: r.error_streak + 1, blocked: 1, blocked_reason: ev.message ?? 'blocked' });
        break;
      case 'recovered':
        break;
    }
    next.healthy = isHealthy(sourceStateOfRow(next)) ? 1 : 0;
    update.run(next);
  });

  const recentPosts = db.prepare(`SELECT source, ext_id AS id, url, first_seen_at AS firstSeenAt, last_seen_at AS lastSeenAt
    FROM posts WHERE first_seen_at >= ? AND kind IN ('post', 'repost') AND url IS NOT NULL ORDER BY first_seen_at DESC LIMIT 5000`);

  return {
    save(_sourceId, obs, now) {
      ingest(obs, now);
    },
    knownIds(source, ids) {
      const known = new Set<string>();
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        const rows = db.prepare(`SELECT ext_id FROM posts WHERE source = ? AND ext_id IN (${chunk.map(() => '?').join(',')})`).pluck().all(source, ...chunk) as string[];
        for (const r of rows) known.add(r);
      }
      return known;
    },
    health(ev) {
      applyEvent(ev);
    },
    reobserveDue(now: Date, policy?: ReobservePolicy) {
      const since = new Date(now.getTime() - (policy ? policy.maxAgeMinutes : settings.maxAgeMinutes) * 60_000).toISOString();
      let posts = recentPosts.all(since) as SeenPost[];
      if (opts.reobserveSources) posts = posts.filter((p) => opts.reobserveSources!.includes(p.source));
      return dueForReobservation(posts, now, policy ?? settings);
    },
    loadStatus(sourceId) {
      const r = getRow.get(sourceId) as SourceRow | undefined;
      return r ? rowToStatus(r) : null;
    },
    registerSources(sources: SourceConfig[], now: Date) {
      db.transaction(() => {
        for (const s of sources) upsert.run({ id: s.id, adapter: s.adapter, url: s.url, params: JSON.stringify(s.params), schedule: s.schedule, enabled: s.enabled ? 1 : 0, now: now.toISOString() });
      })();
    },
    listSources() {
      return (db.prepare('SELECT * FROM sources ORDER BY id').all() as SourceRow[]).map(rowToStatus);
    },
    listEvents({ sourceId, limit = 100 } = {}) {
      const rows = (sourceId
        ? db.prepare('SELECT * FROM source_events WHERE source_id = ? ORDER BY at DESC, id DESC LIMIT ?').all(sourceId, limit)
        : db.prepare('SELECT * FROM source_events ORDER BY at DESC, id DESC LIMIT ?').all(limit)) as { id: number; source_id: string; at: string; kind: string; message: string | null; items: number | null }[];
      return rows.map((r) => ({ id: r.id, sourceId: r.source_id, at: r.at, kind: (r.kind === 'run' ? 'ok' : r.kind) as SourceHealthEvent['kind'], ...(r.message ? { message: r.message } : {}), ...(r.items != null ? { items: r.items } : {}) }));
    },
  };
}
