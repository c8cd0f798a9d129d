// Alert groups (Alertmanager timing): the first alert of a group waits `group_wait` so related
// alerts go out together; later changes go out at most every `group_interval`; an unchanged
// firing group is repeated every `repeat_interval`, at most `repeat_max` times, and not at all
// once its incidents are acknowledged. Quiet hours postpone a flush (P1 overrides by default).
// All state is in SQLite (alert_groups, alert_group_items), so a restart resumes the timers.
import type { Db } from '../db/connection.js';
import type { AlertRecord } from '../core/alert.js';
import type { AlertingConfig, RouteNode } from '../config/alerting-config.js';
import type { NotificationKind, Notification } from './message.js';
import { findRoute, groupKey, groupLabels } from './routing.js';
import type { Labels } from './matchers.js';
import { inQuietHours, quietHoursEnd } from './time-windows.js';

export interface GroupRow {
  id: number; group_key: string; route_id: string; receiver: string; labels: string; timing: string; state: string; created_at: string;
  next_flush_at: string | null; last_flush_at: string | null; repeat_due_at: string | null; flush_seq: number; repeat_count: number;
}
interface Timing { groupWaitMs: number; groupIntervalMs: number; repeatIntervalMs: number; repeatMax: number | null }
type StoredAlert = AlertRecord & { id: number };

const iso = (ms: number) => new Date(ms).toISOString();

function timingOf(config: AlertingConfig, g: GroupRow): { timing: Timing; route: RouteNode | null } {
  const route = findRoute(config.route, g.route_id);
  return { timing: route ?? (JSON.parse(g.timing) as Timing), route };
}

/** Add an alert to the group of each matched route, arming the group's flush timer. */
export function addToGroups(db: Db, alert: StoredAlert, labels: Labels, fp: string, routes: RouteNode[], now: Date): number[] {
  const ids: number[] = [];
  for (const route of routes) {
    const key = groupKey(route, labels);
    let g = db.prepare('SELECT * FROM alert_groups WHERE group_key = ?').get(key) as GroupRow | undefined;
    const t = now.getTime();
    if (!g) {
      const timing: Timing = { groupWaitMs: route.groupWaitMs, groupIntervalMs: route.groupIntervalMs, repeatIntervalMs: route.repeatIntervalMs, repeatMax: route.repeatMax };
      const id = Number(db.prepare(`INSERT INTO alert_groups (group_key, route_id, receiver, labels, timing, state, created_at, next_flush_at)
        VALUES (?, ?, ?, ?, ?, 'firing', ?, ?)`).run(key, route.id, route.receiver, JSON.stringify(groupLabels(route, labels)), JSON.stringify(timing),
        now.toISOString(), iso(t + route.groupWaitMs)).lastInsertRowid);
      g = db.prepare('SELECT * FROM alert_groups WHERE id = ?').get(id) as GroupRow;
    } else if (g.next_flush_at === null) {
      const next = g.last_flush_at ? Math.max(t, Date.parse(g.last_flush_at) + route.groupIntervalMs) : t + route.groupWaitMs;
      db.prepare('UPDATE alert_groups SET next_flush_at = ? WHERE id = ?').run(iso(next), g.id);
    }
    db.prepare('INSERT OR IGNORE INTO alert_group_items (group_id, alert_id, fingerprint, added_at, notified_seq, alert_json) VALUES (?, ?, ?, ?, NULL, ?)')
      .run(g.id, alert.id, fp, now.toISOString(), JSON.stringify(alert));
    ids.push(g.id);
  }
  return ids;
}

export function dueGroups(db: Db, now: Date): { group: GroupRow; repeat: boolean }[] {
  const t = now.toISOString();
  const flush = db.prepare('SELECT * FROM alert_groups WHERE next_flush_at IS NOT NULL AND next_flush_at <= ? ORDER BY next_flush_at, id').all(t) as GroupRow[];
  const rep = db.prepare("SELECT * FROM alert_groups WHERE state = 'firing' AND next_flush_at IS NULL AND repeat_due_at IS NOT NULL AND repeat_due_at <= ? ORDER BY repeat_due_at, id").all(t) as GroupRow[];
  return [...flush.map((group) => ({ group, repeat: false })), ...rep.map((group) => ({ group, repeat: true }))];
}

/** Groups with unsent changes (for drain: flush them now, whatever their timers say). */
export function pendingGroups(db: Db): GroupRow[] {
  return db.prepare('SELECT * FROM alert_groups WHERE next_flush_at IS NOT NULL ORDER BY next_flush_at, id').all() as GroupRow[];
}

export type Enqueue = (n: { kind: NotificationKind; receiver: string; groupId: number; seq: number; incidentId: string | null; alerts: StoredAlert[] }) => Notification | null;

export interface FlushOptions { repeat: boolean; ignoreQuietHours?: boolean }

/**
 * Flush one group: decide what to say (new/changed alerts, a repeat, or a resolution), queue it
 * through `enqueue` and advance the timers. Runs in one transaction. Returns what happened.
 */
export function flushGroup(db: Db, config: AlertingConfig, g: GroupRow, now: Date, enqueue: Enqueue, o: FlushOptions): 'sent' | 'postponed' | 'nothing' | 'skipped' {
  return db.transaction(() => {
    const items = db.prepare('SELECT alert_id, fingerprint, notified_seq, alert_json FROM alert_group_items WHERE group_id = ? ORDER BY added_at, alert_id').all(g.id) as
      { alert_id: number; fingerprint: string; notified_seq: number | null; alert_json: string }[];
    const latest = new Map<string, StoredAlert>();
    for (const it of items) latest.set(it.fingerprint, JSON.parse(it.alert_json) as StoredAlert);
    const changedFps = new Set(items.filter((i) => i.notified_seq === null).map((i) => i.fingerprint));
    const t = now.getTime();
    const { timing, route } = timingOf(config, g);
    const firing = [...latest.values()].filter((a) => a.state === 'firing');
    const clearFlush = () => db.prepare('UPDATE alert_groups SET next_flush_at = NULL WHERE id = ?').run(g.id);
    if (!o.repeat && changedFps.size === 0) { clearFlush(); return 'nothing'; }
    if (o.repeat) {
      const stop = firing.length === 0 || (timing.repeatMax !== null && g.repeat_count >= timing.repeatMax) || allAcknowledged(db, firing);
      if (stop) { db.prepare('UPDATE alert_groups SET repeat_due_at = NULL WHERE id = ?').run(g.id); return 'skipped'; }
    }
    const receiver = config.receivers.get(g.receiver);
    const markNotified = (seq: number | null) => db.prepare('UPDATE alert_group_items SET notified_seq = ? WHERE group_id = ? AND notified_seq IS NULL').run(seq ?? 0, g.id);
    const newState = firing.length ? 'firing' : 'resolved';
    if (!firing.length && (!receiver?.sendResolved || g.last_flush_at === null)) {
      markNotified(null);
      db.prepare('UPDATE alert_groups SET next_flush_at = NULL, repeat_due_at = NULL, state = ? WHERE id = ?').run(newState, g.id);
      return 'skipped';
    }
    const q = route?.quietHours ?? null;
    if (q && !o.ignoreQuietHours && inQuietHours(q, now) && !firing.some((a) => q.exceptLevels.includes(a.level))) {
      const end = quietHoursEnd(q, now).toISOString();
      if (o.repeat) db.prepare('UPDATE alert_groups SET repeat_due_at = ? WHERE id = ?').run(end, g.id);
      else db.prepare('UPDATE alert_groups SET next_flush_at = ? WHERE id = ?').run(end, g.id);
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
    db.prepare(`UPDATE alert_groups SET flush_seq = ?, last_flush_at = ?, next_flush_at = NULL, repeat_count = ?, repeat_due_at = ?, state = ? WHERE id = ?`)
      .run(seq, now.toISOString(), o.repeat ? g.repeat_count + 1 : 0, newState === 'firing' ? iso(t + timing.repeatIntervalMs) : null, newState, g.id);
    const mark = db.prepare('UPDATE alert_state SET notified = 1 WHERE fingerprint = ?');
    for (const fp of latest.keys()) mark.run(fp);
    const firstAlerted = db.prepare('UPDATE incidents SET first_alerted_at = COALESCE(first_alerted_at, ?) WHERE id = ?');
    for (const a of firing) if (a.incident) firstAlerted.run(now.toISOString(), a.incident);
    return 'sent';
  })();
}

function fingerprintOfItem(items: { alert_id: number; fingerprint: string }[], alertId: number): string {
  return items.find((i) => i.alert_id === alertId)?.fingerprint ?? '';
}

/** Every firing incident has been taken up by the desk (status other than 'new'). */
function allAcknowledged(db: Db, firing: StoredAlert[]): boolean {
  const q = db.prepare('SELECT status FROM incidents WHERE id = ?');
  return firing.every((a) => {
    if (!a.incident) return false;
    const r = q.get(a.incident) as { status: string } | undefined;
    return r !== undefined && r.status !== 'new';
  });
}
