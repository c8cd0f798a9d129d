// Time-driven notices: escalation of unacknowledged P1s to the next tier, the daily follow-up
// (持续反馈: an open incident with no update for 24 h reminds its owner and the desk) and the
// morning digest of open incidents. Each writes its own durable marker (escalations row,
// incidents.last_reminder_at, settings 'alerting.digest.last') in the same transaction as the
// queued notification, so a restart neither repeats nor skips one.
import type { Db } from '../db/connection.js';
import { storeOf } from '../db/store/index.js';
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

export function latestAlertFor(db: Db, fingerprint: string): StoredAlert | null {
  const json = storeOf(db).alerts.latestAlertJson(fingerprint);
  return json !== null ? JSON.parse(json) as StoredAlert : null;
}

/** Escalate P1s whose incident is still 'new' past each tier's delay. Returns how many were queued. */
export function runEscalations(db: Db, config: AlertingConfig, now: Date, q: NoticeQueue): number {
  if (!config.escalation.length) return 0;
  const stores = storeOf(db);
  const rows = stores.alerts.activeP1s();
  let n = 0;
  for (const r of rows) {
    if (r.status !== 'new') continue;
    const waited = now.getTime() - Date.parse(r.first_p1_at);
    config.escalation.forEach((tier, i) => {
      if (waited < tier.afterMs || !tier.levels.includes('P1')) return;
      if (stores.alerts.escalated(r.incident_id, i)) return;
      const alert = latestAlertFor(db, r.fingerprint);
      if (!alert) return;
      stores.atomic(() => {
        stores.alerts.addEscalation(r.incident_id, i, now, tier.receiver);
        q.alerts('escalation', tier.receiver, `esc:${r.incident_id}:t${i}`, [alert],
          [`P1 已 ${formatDuration(waited)} 无人确认，升级至 ${tier.receiver} / P1 not acknowledged for ${formatDuration(waited)}: escalated to tier ${i + 1} (${tier.receiver})`]);
        writeAudit(db, now, 'alerting', 'incident.escalate', `incident:${r.incident_id}`, { tier: i + 1, receiver: tier.receiver, waitedMs: waited });
      });
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
  const stores = storeOf(db);
  const rows = stores.incidents.openNotified();
  let n = 0;
  for (const r of rows) {
    if (r.last > cutoff) continue;
    const idle = now.getTime() - Date.parse(r.last);
    const lines = [`事件 ${r.id} 已 ${formatDuration(idle)} 无更新，状态 ${r.status}，负责人 ${r.owner ?? '未分配'} / no update for ${formatDuration(idle)}; status ${r.status}; owner ${r.owner ?? 'unassigned'}. 请更新进展或关闭 / please post an update or close it.`];
    const alert = latestAlertFor(db, `inc:${r.id}`);
    const targets = new Set([desk]);
    const ownerReceiver = r.owner ? config.followUp.owners[r.owner] ?? (config.receivers.has(r.owner) ? r.owner : null) : null;
    if (ownerReceiver && config.receivers.has(ownerReceiver)) targets.add(ownerReceiver);
    stores.atomic(() => {
      for (const t of targets) {
        const base = `rem:${r.id}:${now.toISOString()}`;
        if (alert) q.alerts('reminder', t, base, [alert], lines);
        else q.notice('reminder', t, base, { level: (r.level as Level | null) ?? 'P3', title: r.title, incident: r.id, topic: r.topic_id, lines });
      }
      stores.incidents.setReminded(r.id, now);
      writeAudit(db, now, 'alerting', 'incident.reminder', `incident:${r.id}`, { receivers: [...targets], idleMs: idle });
    });
    n++;
  }
  return n;
}

/** The morning digest of open incidents when digest_cron fired since the last one. */
export function runDigest(db: Db, config: AlertingConfig, now: Date, q: NoticeQueue): boolean {
  const desk = deskReceiver(config);
  if (!desk || !config.followUp.digestCron) return false;
  const key = 'alerting.digest.last';
  const stores = storeOf(db);
  const last = stores.users.setting(key);
  if (!last) { stores.users.setSetting(key, now.toISOString()); return false; }
  const fire = lastCronFire(parseCron(config.followUp.digestCron), new Date(last), now, config.followUp.timezone);
  if (!fire) return false;
  const rows = stores.incidents.openNotifiedByLevel();
  stores.atomic(() => {
    stores.users.setSetting(key, now.toISOString());
    if (!rows.length) return;
    const lines = rows.map((r) => `${r.level ?? '-'} ${r.id} ${r.title} · 状态 ${r.status} · 负责人 ${r.owner ?? '未分配 unassigned'} · 已开 open ${formatDuration(now.getTime() - Date.parse(r.first_alerted_at))}`);
    const top = (rows.map((r) => r.level).filter(Boolean).sort()[0] as Level | undefined) ?? 'P4';
    q.notice('digest', desk, `digest:${fire.toISOString()}`, { level: top, title: `未关闭事件 ${rows.length} 个 / ${rows.length} open incident(s)`, lines });
  });
  return rows.length > 0;
}
