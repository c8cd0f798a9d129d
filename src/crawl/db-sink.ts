// The database side of the scheduler: keeps each source's run state (last success, error streak,
// zero-item streak, blocked state, items per run) and its health events through SourcesStore,
// hands observations to the pipeline's `ingest`, answers knownIds from the stored posts, and
// picks posts due for re-observation (decaying schedule, see reobserve.ts).
import type { Db } from '../db/connection.js';
import { storeOf } from '../db/store/index.js';
import type { SourceRow, SourceRunState } from '../db/store/sources-store.js';
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
  const sources = storeOf(db).sources;
  const posts = storeOf(db).posts;

  /** The run state an event moves a source's row to. */
  const step = (ev: SourceHealthEvent) => (r: SourceRow): SourceRunState => {
    const next: SourceRunState = { ...r, at: ev.at, last_run_at: ev.at };
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
    return next;
  };

  return {
    save(_sourceId, obs, now) {
      ingest(obs, now);
    },
    knownIds(source, ids) {
      return posts.knownIds(source, ids);
    },
    health(ev) {
      sources.recordEvent({ sourceId: ev.sourceId, at: ev.at, kind: ev.kind === 'ok' ? 'run' : ev.kind, message: ev.message ?? null, items: ev.items ?? null }, step(ev));
    },
    reobserveDue(now: Date, policy?: ReobservePolicy) {
      const since = new Date(now.getTime() - (policy ? policy.maxAgeMinutes : settings.maxAgeMinutes) * 60_000).toISOString();
      let seen: SeenPost[] = posts.recentForReobservation(since);
      if (opts.reobserveSources) seen = seen.filter((p) => opts.reobserveSources!.includes(p.source));
      return dueForReobservation(seen, now, policy ?? settings);
    },
    loadStatus(sourceId) {
      const r = sources.row(sourceId);
      return r ? rowToStatus(r) : null;
    },
    registerSources(configured: SourceConfig[], now: Date) {
      sources.register(configured.map((s) => ({ id: s.id, adapter: s.adapter, url: s.url, params: JSON.stringify(s.params), schedule: s.schedule, enabled: s.enabled ? 1 : 0 })), now.toISOString());
    },
    listSources() {
      return sources.list().map(rowToStatus);
    },
    listEvents({ sourceId, limit = 100 } = {}) {
      return sources.events(sourceId, limit).map((r) => ({ id: r.id, sourceId: r.source_id, at: r.at, kind: (r.kind === 'run' ? 'ok' : r.kind) as SourceHealthEvent['kind'], ...(r.message ? { message: r.message } : {}), ...(r.items != null ? { items: r.items } : {}) }));
    },
  };
}
