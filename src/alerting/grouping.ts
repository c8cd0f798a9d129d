// Alert groups (Alertmanager timing): the first alert of a group waits `group_wait` so related
// alerts go out together; later changes go out at most every `group_interval`; an unchanged
// firing group is repeated every `repeat_interval`, at most `repeat_max` times, and not at all
// once its incidents are acknowledged. Quiet hours postpone a flush (P1 overrides by default).
// All state is in the database (alert_groups, alert_group_items, through src/db/store/alerts-store.ts),
// so a restart resumes the timers.
import type { Db } from '../db/connection.js';
import { storeOf } from '../db/store/index.js';
import type { GroupRow } from '../db/store/alerts-store.js';
import type { AlertRecord } from '../core/alert.js';
import type { AlertingConfig, RouteNode } from '../config/alerting-config.js';
import type { NotificationKind, Notification } from './message.js';
import { findRoute, groupKey, groupLabels } from './routing.js';
import type { Labels } from './matchers.js';
import { inQuietHours, quietHoursEnd } from './time-windows.js';

export type { GroupRow };
interface Timing { groupWaitMs: number; groupIntervalMs: number; repeatIntervalMs: number; repeatMax: number | null }
type StoredAlert = AlertRecord & { id: number };

const iso = (ms: number) => new Date(ms).toISOString();

function timingOf(config: AlertingConfig, g: GroupRow): { timing: Timing; route: RouteNode | null } {
  const route = findRoute(config.route, g.route_id);
  return { timing: route ?? (JSON.parse(g.timing) as Timing), route };
}

/** Add an alert to the group of each matched route, arming the group's flush timer. */
export function addToGroups(db: Db, alert: StoredAlert, labels: Labels, fp: string, routes: RouteNode[], now: Date): number[] {
  const store = storeOf(db).alerts;
  const ids: number[] = [];
  for (const route of routes) {
    const key = groupKey(route, labels);
    let g = store.groupByKey(key);
    const t = now.getTime();
    if (!g) {
      const timing: Timing = { groupWaitMs: route.groupWaitMs, groupIntervalMs: route.groupIntervalMs, repeatIntervalMs: route.repeatIntervalMs, repeatMax: route.repeatMax };
      g = store.createGroup({ key, routeId: route.id, receiver: route.receiver, labels: JSON.stringify(groupLabels(route, labels)), timing: JSON.stringify(timing),
        nextFlushAt: iso(t + route.groupWaitMs) }, now);
    } else if (g.next_flush_at === null) {
      const next = g.last_flush_at ? Math.max(t, Date.parse(g.last_flush_at) + route.groupIntervalMs) : t + route.groupWaitMs;
      store.setNextFlush(g.id, iso(next));
    }
    store.addGroupItem(g.id, alert.id, fp, now, JSON.stringify(alert));
    ids.push(g.id);
  }
  return ids;
}

export function dueGroups(db: Db, now: Date): { group: GroupRow; repeat: boolean }[] {
  const t = now.toISOString();
  const store = storeOf(db).alerts;
  const flush = store.flushDue(t);
  const rep = store.repeatDue(t);
  return [...flush.map((group) => ({ group, repeat: false })), ...rep.map((group) => ({ group, repeat: true }))];
}

/** Groups with unsent changes (for drain: flush them now, whatever their timers say). */
export function pendingGroups(db: Db): GroupRow[] {
  return storeOf(db).alerts.withFlushPending();
}

export type Enqueue = (n: { kind: NotificationKind; receiver: string; groupId: number; seq: number; incidentId: string | null; alerts: StoredAlert[] }) => Notification | null;

export interface FlushOptions { repeat: boolean; ignoreQuietHours?: boolean }

/**
 * Flush one group: decide what to say (new/changed alerts, a repeat, or a resolution), queue it
 * through `enqueue` and advance the timers. Runs in one transaction. Returns what happened.
 */
export function flushGroup(db: Db, config: AlertingConfig, g: GroupRow, now: Date, enqueue: Enqueue, o: FlushOptions): 'sent' | 'postponed' | 'nothing' | 'skipped' {
  const stores = storeOf(db);
  const store = stores.alerts;
  return stores.atomic(() => {
    const items = store.groupItems(g.id);
    const latest = new Map<string, StoredAlert>();
    for (const it of items) latest.set(it.fingerprint, JSON.parse(it.alert_json) as StoredAlert);
    const changedFps = new Set(items.filter((i) => i.notified_seq === null).map((i) => i.fingerprint));
    const t = now.getTime();
    const { timing, route } = timingOf(config, g);
    const firing = [...latest.values()].filter((a) => a.state === 'firing');
    const clearFlush = () => store.setNextFlush(g.id, null);
    if (!o.repeat && changedFps.size === 0) { clearFlush(); return 'nothing'; }
    if (o.repeat) {
      const stop = firing.length === 0 || (timing.repeatMax !== null && g.repeat_count >= timing.repeatMax) || allAcknowledged(db, firing);
      if (stop) { store.setRepeatDue(g.id, null); return 'skipped'; }
    }
    const receiver = config.receivers.get(g.receiver);
    const markNotified = (seq: number | null) => store.markItemsNotified(g.id, seq ?? 0);
    const newState = firing.length ? 'firing' : 'resolved';
    if (!firing.length && (!receiver?.sendResolved || g.last_flush_at === null)) {
      markNotified(null);
      store.stopGroup(g.id, newState);
      return 'skipped';
    }
    const q = route?.quietHours ?? null;
    if (q && !o.ignoreQuietHours && inQuietHours(q, now) && !firing.some((a) => q.exceptLevels.includes(a.level))) {
      const end = quietHoursEnd(q, now).toISOString();
      if (o.repeat) store.setRepeatDue(g.id, end);
      else store.setNextFlush(g.id, end);
      return 'postponed';
    }
    const kind: NotificationKind = o.repeat ? 'repeat' : firing.length ? 'alert' : 'resolved';
    const content = kind === 'resolved'
      ? [...latest.values()].filter((a) => changedFps.has(fingerprintOfItem(items, a.id)))
      : [...firing, ...[...latest.values()].filter((a) => a.state === 'resolved' && changedFps.has(fingerprintOfItem(items, a.id)))];
    const seq = g.flush_seq + 1;
    if (receiver) {
      const primary = content[0];
      enqueue({ kind, receiver: g.receiver, groupId: g.id, seq, incidentId: primary?.incident ?? null, alerts: content });
    }
    markNotified(seq);
    store.recordFlush(g.id, seq, now, o.repeat ? g.repeat_count + 1 : 0, newState === 'firing' ? iso(t + timing.repeatIntervalMs) : null, newState);
    store.markStatesNotified(latest.keys());
    for (const a of firing) if (a.incident) stores.incidents.markFirstAlerted(a.incident, now);
    return 'sent';
  });
}

function fingerprintOfItem(items: { alert_id: number; fingerprint: string }[], alertId: number): string {
  return items.find((i) => i.alert_id === alertId)?.fingerprint ?? '';
}

/** Every firing incident has been taken up by the desk (status other than 'new'). */
function allAcknowledged(db: Db, firing: StoredAlert[]): boolean {
  const incidents = storeOf(db).incidents;
  return firing.every((a) => {
    if (!a.incident) return false;
    const status = incidents.deskStatus(a.incident);
    return status !== undefined && status !== 'new';
  });
}
