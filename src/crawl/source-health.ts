// Source health: the status the dashboard shows per source, the events alerting routes, and the
// pure transition from one run's outcome to the next status (clock passed in).
//
// outcome            -> status change                         -> events
// ok, items > 0      -> streaks reset, healthy                 -> ok (+ recovered if it was unhealthy)
// ok, 0 items        -> zeroStreak+1, unhealthy at threshold   -> empty
// error              -> errorStreak+1, unhealthy at threshold  -> error
// blocked            -> blocked, unhealthy                     -> blocked (once, on the change) + error
import type { Observation } from '../core/observation.js';

export type SourceHealthKind = 'error' | 'blocked' | 'empty' | 'recovered' | 'ok';

export interface SourceHealthEvent {
  sourceId: string;
  /** ISO 8601 */
  at: string;
  kind: SourceHealthKind;
  message?: string;
  items?: number;
}

export interface SourceStatus {
  id: string;
  adapter: string;
  url: string;
  enabled: boolean;
  schedule: string;
  running: boolean;
  lastRunAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  errorStreak: number;
  zeroStreak: number;
  blocked: boolean;
  blockedReason: string | null;
  blockedAt: string | null;
  itemsLastRun: number;
  itemsTotal: number;
  healthy: boolean;
  nextRunAt: string | null;
}

export interface RunSummary {
  sourceId: string;
  startedAt: string;
  finishedAt: string;
  items: number;
  pages: number;
  errors: string[];
  blocked: boolean;
  /** 'skipped' when a previous run of the source was still going, or it is disabled */
  outcome: 'ok' | 'empty' | 'error' | 'blocked' | 'skipped';
  observations?: Observation[];
}

export interface HealthThresholds { errorStreak: number; zeroStreak: number }
export const DEFAULT_THRESHOLDS: HealthThresholds = { errorStreak: 3, zeroStreak: 3 };

export function initialStatus(s: { id: string; adapter: string; url: string; enabled: boolean; schedule: string }): SourceStatus {
  return {
    id: s.id, adapter: s.adapter, url: s.url, enabled: s.enabled, schedule: s.schedule, running: false,
    lastRunAt: null, lastSuccessAt: null, lastError: null, lastErrorAt: null, errorStreak: 0, zeroStreak: 0,
    blocked: false, blockedReason: null, blockedAt: null, itemsLastRun: 0, itemsTotal: 0, healthy: true, nextRunAt: null,
  };
}

export function applyOutcome(prev: SourceStatus, run: Pick<RunSummary, 'outcome' | 'items' | 'errors'>, now: Date, t: HealthThresholds = DEFAULT_THRESHOLDS): { status: SourceStatus; events: SourceHealthEvent[] } {
  const at = now.toISOString();
  const s: SourceStatus = { ...prev, lastRunAt: at, running: false };
  const events: SourceHealthEvent[] = [];
  const ev = (kind: SourceHealthKind, message?: string, items?: number) => events.push({ sourceId: prev.id, at, kind, ...(message ? { message } : {}), ...(items != null ? { items } : {}) });
  const msg = run.errors[0] ?? undefined;
  if (run.outcome === 'skipped') return { status: prev, events };
  if (run.outcome === 'blocked') {
    s.errorStreak++;
    s.lastError = msg ?? 'blocked';
    s.lastErrorAt = at;
    if (!prev.blocked) ev('blocked', msg ?? 'the site is refusing this session');
    s.blocked = true;
    s.blockedReason = msg ?? 'blocked';
    s.blockedAt = prev.blockedAt ?? at;
  } else if (run.outcome === 'error') {
    s.errorStreak++;
    s.lastError = msg ?? 'error';
    s.lastErrorAt = at;
    ev('error', `${msg ?? 'run failed'} (${s.errorStreak} in a row)`);
  } else {
    s.errorStreak = 0;
    s.blocked = false;
    s.blockedReason = null;
    s.blockedAt = null;
    s.lastSuccessAt = at;
    s.itemsLastRun = run.items;
    s.itemsTotal += run.items;
    if (run.outcome === 'empty' || run.items === 0) {
      s.zeroStreak++;
      ev('empty', `no items (${s.zeroStreak} run${s.zeroStreak > 1 ? 's' : ''} in a row)`, 0);
    } else {
      s.zeroStreak = 0;
      ev('ok', msg ? `with errors: ${msg}` : undefined, run.items);
    }
  }
  s.healthy = !s.blocked && s.errorStreak < t.errorStreak && s.zeroStreak < t.zeroStreak;
  if (s.healthy && !prev.healthy) ev('recovered', 'source is healthy again', run.items);
  return { status: s, events };
}
