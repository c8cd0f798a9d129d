// Time-driven notices: escalation of unacknowledged P1s to the next tier, the daily follow-up
// (持续反馈: an open incident with no update for 24 h reminds its owner and the desk) and the
// morning digest of open incidents. Each writes its own durable marker (escalations row,
// incidents.last_reminder_at, settings 'alerting.digest.last') in the same transaction as the
// queued notification, so a restart neither repeats nor skips one.
import type { Db } from '../db/connection.js';
import type { AlertRecord, Level } from '../core/alert.js';
import type { AlertingConfig } from '../config/alerting-config.js';
import type { NotificationKind } from './message.js';
import { lastCronFire, parseCron } from './time-windows.js';
import { writeAudit } from '../desk/audit.js';
import { formatDuration } from './duration.js';

type StoredAlert = AlertRecord & { id: number };
export interface NoticeQueue {
  alerts(kind: NotificationKind, receiver: string, dedupBase: string, alerts: StoredAlert[], lines: string[]): void;
  notice(kind: NotificationKind, receiver: string, dedupBase: string, o: { level: Level; title: string; incident?: string | null; topic?: string; lines: string[]; state?: 'firing' | 'resolved' }): void;
}

const OPEN = "('new', 'acknowledged', 'responding')";

export function latestAlertFor(db: Db, fingerprint: string): StoredAlert | null {
  const r = db.prepare('SELECT alert_json FROM alert_group_items WHERE fingerprint = ? ORDER BY added_at DESC, alert_id DESC LIMIT 1').get(fingerprint) as { alert_json: string } | undefined;
  return r ? JSON.parse(r.alert_json) as StoredAlert : null;
}

/** Escalate P1s whose incident is still 'new' past each tier's delay. Returns how many were queued. */
export function runEscalations(db: Db, config: AlertingConfig, now: Date, q: NoticeQueue): number {
  if (!config.escalation.length) return 0;
  const rows = db.prepare(`SELECT s.fingerprint, s.incident_id, s.first_p1_at, COALESCE(i.status, 'new') AS status FROM alert_state s
      LEFT JOIN incidents i ON i.id = s.incident_id
      WHERE s.p1_active = 1 AND s.state = 'firing' AND s.first_p1_at IS NOT NULL AND s.incident_id IS NOT NULL`).all() as
    { fingerprint: string; incident_id: string; first_p1_at: string; status: string }[];
  let n = 0;
  for (const r of rows) {
    if (r.status !== 'new') continue;
    const waited = now.getTime() - Date.parse(r.first_p1_at);
    config.escalation.forEach((tier, i) => {
      if (waited < tier.afterMs || !tier.levels.includes('P1')) return;
      if (db.prepare('SELECT 1 FROM escalations WHERE incident_id = ? AND tier = ?').get(r.incident_id, i)) return;
      const alert = latestAlertFor(db, r.fingerprint);
      if (!alert) return;
      db.transaction(() => {
        db.prepare('INSERT INTO escalations (incident_id, tier, at, receiver) VALUES (?, ?, ?, ?)').run(r.incident_id, i, now.toISOString(), tier.receiver);
        q.alerts('escalation', tier.receiver, `esc:${r.incident_id}:t${i}`, [alert],
          [`P1 已 ${formatDuration(waited)} 无人确认，升级至 ${tier.receiver} / P1 not acknowledged for ${formatDuration(waited)}: escalated to tier ${i + 1} (${tier.receiver})`]);
        writeAudit(db, now, 'alerting', 'incident.escalate', `incident:${r.incident_id}`, { tier: i + 1, receiver: tier.receiver, waitedMs: waited });
      })();
      n++;
    });
  }
  return n;
}

function deskReceiver(config: AlertingConfig): string | null {
  return config.followUp.receiver ?? config.route?.receiver ?? null;
}

/** 持续反馈: remind owner and desk of open incidents without an update for followUp.after. */
export function runReminders(db: Db, config: AlertingConfig, now: Date, q: NoticeQueue): number {
  const desk = deskReceiver(config);
  if (!desk) return 0;
  const cutoff = new Date(now.getTime() - config.followUp.afterMs).toISOString();
  const rows = db.prepare(`SELECT id, title, level, status, owner, topic_id,
        MAX(COALESCE(last_activity_at, ''), COALESCE(acknowledged_at, ''), COALESCE(first_alerted_at, ''), COALESCE(last_reminder_at, '')) AS last
      FROM incidents WHERE status IN ${OPEN} AND first_alerted_at IS NOT NULL`).all() as
    { id: string; title: string; level: string | null; status: string; owner: string | null; topic_id: string; last: string }[];
  let n = 0;
  for (const r of rows) {
    if (r.last > cutoff) continue;
    const idle = now.getTime() - Date.parse(r.last);
    const lines = [`事件 ${r.id} 已 ${formatDuration(idle)} 无更新，状态 ${r.status}，负责人 ${r.owner ?? '未分配'} / no update for ${formatDuration(idle)}; status ${r.status}; owner ${r.owner ?? 'unassigned'}. 请更新进展或关闭 / please post an update or close it.`];
    const alert = latestAlertFor(db, `inc:${r.id}`);
    const targets = new Set([desk]);
    const ownerReceiver = r.owner ? config.followUp.owners[r.owner] ?? (config.receivers.has(r.owner) ? r.owner : null) : null;
    if (ownerReceiver && config.receivers.has(ownerReceiver)) targets.add(ownerReceiver);
    db.transaction(() => {
      for (const t of targets) {
        const base = `rem:${r.id}:${now.toISOString()}`;
        if (alert) q.alerts('reminder', t, base, [alert], lines);
        else q.notice('reminder', t, base, { level: (r.level as Level | null) ?? 'P3', title: r.title, incident: r.id, topic: r.topic_id, lines });
      }
      db.prepare('UPDATE incidents SET last_reminder_at = ? WHERE id = ?').run(now.toISOString(), r.id);
      writeAudit(db, now, 'alerting', 'incident.reminder', `incident:${r.id}`, { receivers: [...targets], idleMs: idle });
    })();
    n++;
  }
  return n;
}

function getSetting(db: Db, key: string): string | null {
  const r = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  return r?.value ?? null;
}
function setSetting(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** The morning digest of open incidents when digest_cron fired since the last one. */
export function runDigest(db: Db, config: AlertingConfig, now: Date, q: NoticeQueue): boolean {
  const desk = deskReceiver(config);
  if (!desk || !config.followUp.digestCron) return false;
  const key = 'alerting.digest.last';
  const last = getSetting(db, key);
  if (!last) { setSetting(db, key, now.toISOString()); return false; }
  const fire = lastCronFire(parseCron(config.followUp.digestCron), new Date(last), now, config.followUp.timezone);
  if (!fire) return false;
  const rows = db.prepare(`SELECT id, title, level, status, owner, first_alerted_at, opened_at FROM incidents
      WHERE status IN ${OPEN} AND first_alerted_at IS NOT NULL ORDER BY COALESCE(level, 'P9'), first_alerted_at`).all() as
    { id: string; title: string; level: string | null; status: string; owner: string | null; first_alerted_at: string; opened_at: string }[];
  db.transaction(() => {
    setSetting(db, key, now.toISOString());
    if (!rows.length) return;
    const lines = rows.map((r) => `${r.level ?? '-'} ${r.id} ${r.title} · 状态 ${r.status} · 负责人 ${r.owner ?? '未分配 unassigned'} · 已开 open ${formatDuration(now.getTime() - Date.parse(r.first_alerted_at))}`);
    const top = (rows.map((r) => r.level).filter(Boolean).sort()[0] as Level | undefined) ?? 'P4';
    q.notice('digest', desk, `digest:${fire.toISOString()}`, { level: top, title: `未关闭事件 ${rows.length} 个 / ${rows.length} open incident(s)`, lines });
  })();
  return rows.length > 0;
}
