// The durable outbox over SQLite: notifications, their deliveries (one per receiver channel), the
// notification log (written only after a confirmed send, checked before every send), per-attempt
// receipts and visible warnings.
//
// Delivery guarantee. A notification and its deliveries are inserted in one transaction with the
// group state change that caused them, so an alert is never lost between "decided" and "queued".
// A delivery is claimed (status 'sending', attempts+1) before the request and recorded as sent
// (notification_log + status) in one transaction after the vendor confirmed it. After a crash,
// 'sending' rows go back to 'pending' and are sent again unless their dedup key is already in the
// notification log. Several processes may send from one database: each claim records its sender,
// senders keep a heartbeat, and only the in-flight rows of a sender whose heartbeat stopped are
// re-queued (a live peer's sends are never taken over). The only window for a duplicate is a crash after the vendor accepted a request
// and before that commit (milliseconds); the generic webhook and email carry the dedup key
// (X-Flarewatch-Delivery / Idempotency-Key / Message-ID) so a receiver can drop even that one.
import type { Db } from '../db/connection.js';
import type { Notification, NotificationKind } from './message.js';

export interface DeliveryRow {
  id: number; alert_id: number | null; dedup_key: string; receiver: string; channel: string; payload: string;
  status: 'pending' | 'sending' | 'sent' | 'failed'; attempts: number; next_attempt_at: string; created_at: string;
  sent_at: string | null; last_error: string | null; fallback_of: number | null; notification_id: number | null;
  expires_at: string | null; queued_wall_at: string | null; sent_wall_at: string | null;
}

export interface NewNotification {
  kind: NotificationKind; receiver: string; groupId?: number | null; seq?: number | null; incidentId?: string | null;
  content: Notification; alertIds: number[];
}

export interface QueueOptions { now: Date; wallNow: Date; maxAgeMs: number; channels: string[]; dedupBase: string }

/** Insert a notification and one pending delivery per channel. Call inside a transaction. */
export function queueNotification(db: Db, n: NewNotification, o: QueueOptions): { notificationId: number; deliveryIds: number[] } {
  const nid = Number(db.prepare('INSERT INTO notifications (kind, receiver, group_id, seq, incident_id, created_at, content) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(n.kind, n.receiver, n.groupId ?? null, n.seq ?? null, n.incidentId ?? null, o.now.toISOString(), JSON.stringify(n.content)).lastInsertRowid);
  const link = db.prepare('INSERT OR IGNORE INTO notification_alerts (notification_id, alert_id) VALUES (?, ?)');
  for (const a of n.alertIds) link.run(nid, a);
  const ins = db.prepare(`INSERT INTO deliveries (alert_id, dedup_key, receiver, channel, payload, status, attempts, next_attempt_at, created_at,
      notification_id, expires_at, queued_wall_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING`);
  const ids: number[] = [];
  const payload = JSON.stringify(n.content);
  for (const ch of o.channels) {
    const r = ins.run(n.alertIds[0] ?? null, `${o.dedupBase}|${n.receiver}|${ch}`, n.receiver, ch, payload, o.now.toISOString(), o.now.toISOString(),
      nid, new Date(o.now.getTime() + o.maxAgeMs).toISOString(), o.wallNow.toISOString());
    if (r.changes) ids.push(Number(r.lastInsertRowid));
  }
  return { notificationId: nid, deliveryIds: ids };
}

/** Register a sending process (or refresh its heartbeat). */
export function senderHeartbeat(db: Db, id: string, wallNow: Date, pid = process.pid): void {
  db.prepare(`INSERT INTO senders (id, pid, started_at, heartbeat_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`).run(id, pid, wallNow.toISOString(), wallNow.toISOString());
}

/** A sender that stops cleanly: its row goes, and anything it still had in flight is re-queued. */
export function senderStopped(db: Db, id: string): void {
  db.transaction(() => {
    db.prepare("UPDATE deliveries SET status = 'pending', claimed_by = NULL WHERE status = 'sending' AND claimed_by = ?").run(id);
    db.prepare('DELETE FROM senders WHERE id = ?').run(id);
  })();
}

/**
 * Re-queue deliveries left in 'sending' by senders that are gone: no claimant recorded (older
 * versions), a claimant with no senders row, one whose heartbeat is older than `staleMs`, or one
 * that `isGone` says has exited (a process on this machine that no longer exists, so a restart
 * after a crash recovers at once). Gone senders' rows are removed. `self` is never gone.
 */
export function recoverInFlight(db: Db, self: string | null = null, wallNow: Date = new Date(), staleMs = 60_000,
  isGone: (sender: { id: string; pid: number }) => boolean = () => false): number {
  return db.transaction(() => {
    const cutoff = new Date(wallNow.getTime() - staleMs).toISOString();
    const del = db.prepare('DELETE FROM senders WHERE id = ?');
    for (const r of db.prepare('SELECT id, pid, heartbeat_at FROM senders WHERE id IS NOT ?').all(self) as { id: string; pid: number; heartbeat_at: string }[]) {
      if (r.heartbeat_at < cutoff || isGone(r)) del.run(r.id);
    }
    return db.prepare(`UPDATE deliveries SET status = 'pending', claimed_by = NULL WHERE status = 'sending'
      AND (claimed_by IS NULL OR (claimed_by IS NOT ? AND claimed_by NOT IN (SELECT id FROM senders)))`).run(self).changes;
  })();
}

/** Claim up to `limit` due deliveries (status → sending, attempts + 1) atomically, optionally of one channel. */
export function claimDue(db: Db, now: Date, limit: number, channel?: string, claimedBy: string | null = null): DeliveryRow[] {
  return db.transaction(() => {
    const rows = (channel === undefined
      ? db.prepare("SELECT * FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?").all(now.toISOString(), limit)
      : db.prepare("SELECT * FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ? AND channel = ? ORDER BY next_attempt_at, id LIMIT ?").all(now.toISOString(), channel, limit)) as DeliveryRow[];
    const upd = db.prepare("UPDATE deliveries SET status = 'sending', attempts = attempts + 1, claimed_by = ? WHERE id = ? AND status = 'pending'");
    return rows.filter((r) => upd.run(claimedBy, r.id).changes === 1).map((r) => ({ ...r, status: 'sending' as const, attempts: r.attempts + 1 }));
  })();
}

export function isLogged(db: Db, dedupKey: string): boolean {
  return db.prepare('SELECT 1 FROM notification_log WHERE dedup_key = ?').get(dedupKey) !== undefined;
}

export interface AttemptReceipt { ok: boolean; statusCode?: number | null; detail: string; ms: number }

function attempt(db: Db, id: number, at: Date, r: AttemptReceipt): void {
  db.prepare('INSERT INTO delivery_attempts (delivery_id, at, ok, status_code, detail, ms) VALUES (?, ?, ?, ?, ?, ?)')
    .run(id, at.toISOString(), r.ok ? 1 : 0, r.statusCode ?? null, r.detail.slice(0, 1000), Math.round(r.ms));
}

/** Record a confirmed send: log first-writer-wins, status sent, receipt. One transaction. */
export function markSent(db: Db, d: DeliveryRow, at: Date, wallAt: Date, r: AttemptReceipt): void {
  db.transaction(() => {
    db.prepare('INSERT OR IGNORE INTO notification_log (dedup_key, delivery_id, sent_at, receipt) VALUES (?, ?, ?, ?)')
      .run(d.dedup_key, d.id, at.toISOString(), r.detail.slice(0, 500));
    db.prepare("UPDATE deliveries SET status = 'sent', sent_at = ?, sent_wall_at = ?, last_error = NULL WHERE id = ?").run(at.toISOString(), wallAt.toISOString(), d.id);
    attempt(db, d.id, at, r);
  })();
}

/** Already in the notification log (sent before a crash): close without sending again. */
export function markAlreadySent(db: Db, d: DeliveryRow, at: Date): void {
  db.prepare("UPDATE deliveries SET status = 'sent', sent_at = COALESCE(sent_at, ?), attempts = attempts - 1 WHERE id = ?").run(at.toISOString(), d.id);
}

export function markRetry(db: Db, d: DeliveryRow, at: Date, nextAt: Date, r: AttemptReceipt): void {
  db.transaction(() => {
    db.prepare("UPDATE deliveries SET status = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?").run(nextAt.toISOString(), r.detail.slice(0, 1000), d.id);
    attempt(db, d.id, at, r);
  })();
}

export function markFailed(db: Db, d: DeliveryRow, at: Date, r: AttemptReceipt): void {
  db.transaction(() => {
    db.prepare("UPDATE deliveries SET status = 'failed', last_error = ? WHERE id = ?").run(r.detail.slice(0, 1000), d.id);
    attempt(db, d.id, at, r);
  })();
}

/** Drain: everything pending is due now, with a fresh max age from now. */
export function rebasePending(db: Db, now: Date, maxAgeMs: number): number {
  return db.prepare("UPDATE deliveries SET next_attempt_at = ?, expires_at = ? WHERE status = 'pending'")
    .run(now.toISOString(), new Date(now.getTime() + maxAgeMs).toISOString()).changes;
}

/** Channels with deliveries due at `now`. */
export function dueChannels(db: Db, now: Date): string[] {
  return db.prepare("SELECT DISTINCT channel FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ?").pluck().all(now.toISOString()) as string[];
}

export function countByStatus(db: Db): Record<string, number> {
  const out: Record<string, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
  for (const r of db.prepare('SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status').all() as { status: string; n: number }[]) out[r.status] = r.n;
  return out;
}

export function addWarning(db: Db, at: Date, w: { kind: string; receiver?: string | null; channel?: string | null; deliveryId?: number | null; message: string }): void {
  db.prepare('INSERT INTO alerting_warnings (at, kind, receiver, channel, delivery_id, message) VALUES (?, ?, ?, ?, ?, ?)')
    .run(at.toISOString(), w.kind, w.receiver ?? null, w.channel ?? null, w.deliveryId ?? null, w.message);
}

export interface DeliveryView {
  id: number; notificationId: number | null; kind: string | null; receiver: string; channel: string; status: string; attempts: number;
  createdAt: string; sentAt: string | null; lastError: string | null; fallbackOf: number | null; nextAttemptAt: string;
  attemptLog: { at: string; ok: boolean; statusCode: number | null; detail: string | null; ms: number | null }[];
}

/** Delivery receipts for the API/dashboard: by alert id (any notification that included it) or all recent. */
export function listDeliveries(db: Db, opts: { alertId?: number; incidentId?: string; limit?: number } = {}): DeliveryView[] {
  let rows: (DeliveryRow & { kind: string | null })[];
  const base = 'SELECT d.*, n.kind FROM deliveries d LEFT JOIN notifications n ON n.id = d.notification_id';
  if (opts.alertId !== undefined) {
    rows = db.prepare(`${base} WHERE d.notification_id IN (SELECT notification_id FROM notification_alerts WHERE alert_id = ?)
      OR d.alert_id = ? OR d.fallback_of IN (SELECT id FROM deliveries WHERE notification_id IN (SELECT notification_id FROM notification_alerts WHERE alert_id = ?))
      ORDER BY d.id`).all(opts.alertId, opts.alertId, opts.alertId) as typeof rows;
  } else if (opts.incidentId !== undefined) {
    rows = db.prepare(`${base} WHERE n.incident_id = ? ORDER BY d.id`).all(opts.incidentId) as typeof rows;
  } else rows = db.prepare(`${base} ORDER BY d.id DESC LIMIT ?`).all(opts.limit ?? 200) as typeof rows;
  const att = db.prepare('SELECT at, ok, status_code, detail, ms FROM delivery_attempts WHERE delivery_id = ? ORDER BY id');
  return rows.map((r) => ({
    id: r.id, notificationId: r.notification_id, kind: r.kind, receiver: r.receiver, channel: r.channel, status: r.status, attempts: r.attempts,
    createdAt: r.created_at, sentAt: r.sent_at, lastError: r.last_error, fallbackOf: r.fallback_of, nextAttemptAt: r.next_attempt_at,
    attemptLog: (att.all(r.id) as { at: string; ok: number; status_code: number | null; detail: string | null; ms: number | null }[])
      .map((a) => ({ at: a.at, ok: a.ok === 1, statusCode: a.status_code, detail: a.detail, ms: a.ms })),
  }));
}

export function listWarnings(db: Db, opts: { includeCleared?: boolean; limit?: number } = {}): { id: number; at: string; kind: string; receiver: string | null; channel: string | null; deliveryId: number | null; message: string; clearedAt: string | null }[] {
  const rows = db.prepare(`SELECT * FROM alerting_warnings ${opts.includeCleared ? '' : 'WHERE cleared_at IS NULL'} ORDER BY id DESC LIMIT ?`).all(opts.limit ?? 200) as
    { id: number; at: string; kind: string; receiver: string | null; channel: string | null; delivery_id: number | null; message: string; cleared_at: string | null }[];
  return rows.map((r) => ({ id: r.id, at: r.at, kind: r.kind, receiver: r.receiver, channel: r.channel, deliveryId: r.delivery_id, message: r.message, clearedAt: r.cleared_at }));
}

export function clearWarning(db: Db, id: number, at: Date): boolean {
  return db.prepare('UPDATE alerting_warnings SET cleared_at = ? WHERE id = ? AND cleared_at IS NULL').run(at.toISOString(), id).changes === 1;
}
