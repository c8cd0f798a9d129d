// Source health: the status the dashboard shows per source, the events alerting routes, and the
// pure transition from one run's outcome to the next status (clock passed in). The one place
// that says what state a source is in (sourceState), used by the scheduler, the SQLite sink,
// the /sources API and /healthz alike.
//
// outcome            -> status change                         -> events
// ok, items > 0      -> streaks reset, healthy                 -> ok (+ recovered if it was unhealthy)
// ok, 0 items        -> zeroStreak+1, unhealthy at threshold   -> empty
// error              -> errorStreak+1, retried with backoff    -> error
// blocked            -> blocked, unhealthy                     -> blocked (once, on the change) + error
//
// state        when                                                     healthy
// pending      never run yet                                            yes (nothing known yet)
// ok           last run worked                                          yes
// degraded     worked before, failing now, fewer than N runs in a row   no (retried with backoff)
// not-working  has never once worked and its last run failed            no
// failing      N failed runs in a row                                   no
// empty        N runs in a row with no items                            no
// blocked      the site refused the session (401/403/432, login wall)   no
// "Blocked" comes only from block signals (BlockedError), never from server errors or timeouts.
import type { Observation } from '../core/observation.js';

/** 'account': one account of the source's pool was retired or paused (account-pool.ts); the source's own state does not change */
export type SourceHealthKind = 'error' | 'blocked' | 'empty' | 'recovered' | 'ok' | 'account';

export interface SourceHealthEvent {
  sourceId: string;
  /** ISO 8601 */
  at: string;
  kind: SourceHealthKind;
  message?: string;
  items?: number;
  /** kind 'account': which account, and what became of it */
  account?: { name: string; state: 'paused' | 'retired' };
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
  /** sourceState of the above (filled in by the scheduler's status()) */
  state?: SourceState;
  /** scheduled runs are skipped until then after repeated failures (backoff) */
  retryAt?: string | null;
}

export interface RunSummary {
  sourceId: string;
  startedAt: string;
  finishedAt: string;
  items: number;
  pages: number;
  errors: string[];
  blocked: boolean;
  /** 'skipped' when a previous run of the source was still going, or it is disabled; 'queued' when handed to a crawl worker (queue mode) */
  outcome: 'ok' | 'empty' | 'error' | 'blocked' | 'skipped' | 'queued';
  observations?: Observation[];
}

export interface HealthThresholds { errorStreak: number; zeroStreak: number }
export const DEFAULT_THRESHOLDS: HealthThresholds = { errorStreak: 3, zeroStreak: 3 };

export type SourceState = 'pending' | 'ok' | 'degraded' | 'not-working' | 'failing' | 'empty' | 'blocked';
/** states that count against a source (dashboard red, /healthz unhealthySources, healthy = false) */
export const UNHEALTHY_STATES: ReadonlySet<SourceState> = new Set(['degraded', 'not-working', 'failing', 'empty', 'blocked']);

export type HealthFacts = Pick<SourceStatus, 'lastRunAt' | 'lastSuccessAt' | 'errorStreak' | 'zeroStreak' | 'blocked'>;

/** The state of a source from its facts (see the table above). */
export function sourceState(s: HealthFacts, t: HealthThresholds = DEFAULT_THRESHOLDS): SourceState {
  if (!s.lastRunAt && !s.lastSuccessAt && !s.errorStreak && !s.blocked) return 'pending';
  if (s.blocked) return 'blocked';
  if (s.errorStreak > 0 && !s.lastSuccessAt) return 'not-working';
  if (s.errorStreak >= t.errorStreak) return 'failing';
  if (s.errorStreak > 0) return 'degraded';
  if (s.zeroStreak >= t.zeroStreak) return 'empty';
  return 'ok';
}

/** The same from a `sources` table row (snake_case columns). */
export function sourceStateOfRow(r: { last_run_at?: unknown; last_success_at?: unknown; error_streak?: unknown; zero_streak?: unknown; blocked?: unknown }, t?: HealthThresholds): SourceState {
  return sourceState({ lastRunAt: (r.last_run_at as string | null) ?? null, lastSuccessAt: (r.last_success_at as string | null) ?? null,
    errorStreak: Number(r.error_streak ?? 0), zeroStreak: Number(r.zero_streak ?? 0), blocked: !!r.blocked }, t);
}

export const isHealthy = (state: SourceState): boolean => !UNHEALTHY_STATES.has(state);

/** Backoff after failed runs: scheduled runs are skipped until then (1, 2, 4 ... 60 minutes after the last error). */
export function retryAfter(s: Pick<SourceStatus, 'errorStreak' | 'lastErrorAt' | 'blocked'>, maxMinutes = 60): Date | null {
  if (s.blocked || s.errorStreak < 2 || !s.lastErrorAt) return null;
  const minutes = Math.min(maxMinutes, 2 ** (s.errorStreak - 2));
  return new Date(Date.parse(s.lastErrorAt) + minutes * 60_000);
}

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
  if (run.outcome === 'skipped' || run.outcome === 'queued') return { status: prev, events };
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
  s.healthy = isHealthy(sourceState(s, t));
  if (s.healthy && !prev.healthy) ev('recovered', 'source is healthy again', run.items);
  return { status: s, events };
}
