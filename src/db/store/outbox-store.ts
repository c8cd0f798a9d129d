// The alerting outbox's tables: notifications (and the alerts each carries), deliveries (one per
// receiver channel), per-attempt receipts, the notification log, the senders' heartbeats and the
// visible warnings. Part of the alerts aggregate (src/db/store/alerts-store.ts owns it as `outbox`);
// src/alerting/outbox.ts explains the delivery guarantee these transactions keep. Each method that
// says "one transaction" runs as db.transaction does (a savepoint when the caller holds one).
import type { Db } from '../connection.js';
import { Statements } from './statements.js';

export interface DeliveryRow {
  id: number; alert_id: number | null; dedup_key: string; receiver: string; channel: string; payload: string;
  status: 'pending' | 'sending' | 'sent' | 'failed'; attempts: number; next_attempt_at: string; created_at: string;
  sent_at: string | null; last_error: string | null; fallback_of: number | null; notification_id: number | null;
  expires_at: string | null; queued_wall_at: string | null; sent_wall_at: string | null;
}

/** A notification to queue; `content` is stored as JSON (the notification and each delivery's payload). */
export interface QueuedNotification {
  kind: string; receiver: string; groupId: number | null; seq: number | null; incidentId: string | null; content: unknown; alertIds: number[];
}

export interface QueueOptions { now: Date; wallNow: Date; maxAgeMs: number; channels: string[]; dedupBase: string }

export interface AttemptReceipt { ok: boolean; statusCode?: number | null; detail: string; ms: number }

export interface DeliveryView {
  id: number; notificationId: number | null; kind: string | null; receiver: string; channel: string; status: string; attempts: number;
  createdAt: string; sentAt: string | null; lastError: string | null; fallbackOf: number | null; nextAttemptAt: string;
  attemptLog: { at: string; ok: boolean; statusCode: number | null; detail: string | null; ms: number | null }[];
}

export interface WarningView { id: number; at: string; kind: string; receiver: string | null; channel: string | null; deliveryId: number | null; message: string; clearedAt: string | null }

const INSERT_DELIVERY = `INSERT INTO deliveries (alert_id, dedup_key, receiver, channel, payload, status, attempts, next_attempt_at, created_at,
      notification_id, expires_at, queued_wall_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING`;

export class OutboxStore {
  private readonly q: Statements;
  constructor(private readonly db: Db) { this.q = new Statements(db); }

  /** Insert a notification and one pending delivery per channel (a dedup key queued before is skipped). Call inside a transaction. */
  queueNotification(n: QueuedNotification, o: QueueOptions): { notificationId: number; deliveryIds: number[] } {
    const nid = Number(this.q.get('INSERT INTO notifications (kind, receiver, group_id, seq, incident_id, created_at, content) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(n.kind, n.receiver, n.groupId, n.seq, n.incidentId, o.now.toISOString(), JSON.stringify(n.content)).lastInsertRowid);
    const link = this.q.get('INSERT INTO notification_alerts (notification_id, alert_id) VALUES (?, ?) ON CONFLICT DO NOTHING');
    for (const a of n.alertIds) link.run(nid, a);
    const ins = this.q.get(INSERT_DELIVERY);
    const ids: number[] = [];
    const payload = JSON.stringify(n.content);
    for (const ch of o.channels) {
      const r = ins.run(n.alertIds[0] ?? null, `${o.dedupBase}|${n.receiver}|${ch}`, n.receiver, ch, payload, o.now.toISOString(), o.now.toISOString(),
        nid, new Date(o.now.getTime() + o.maxAgeMs).toISOString(), o.wallNow.toISOString());
      if (r.changes) ids.push(Number(r.lastInsertRowid));
    }
    return { notificationId: nid, deliveryIds: ids };
  }

  /** Queue the email fallback of a failed delivery (its dedup key + '|fallback-email'; skipped when queued before). */
  queueFallbackEmail(d: DeliveryRow, receiver: string, payload: string, now: Date, expiresAt: Date, wallNow: Date): void {
    this.q.get(`INSERT INTO deliveries (alert_id, dedup_key, receiver, channel, payload, status, attempts, next_attempt_at, created_at, fallback_of,
      notification_id, expires_at, queued_wall_at) VALUES (?, ?, ?, 'email', ?, 'pending', 0, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING`)
      .run(d.alert_id, `${d.dedup_key}|fallback-email`, receiver, payload, now.toISOString(), now.toISOString(), d.id, d.notification_id,
        expiresAt.toISOString(), wallNow.toISOString());
  }

  /** The receiver's email delivery of the same notification, if it has one. */
  hasEmailSibling(notificationId: number, receiver: string): boolean {
    return this.q.get("SELECT id FROM deliveries WHERE notification_id = ? AND receiver = ? AND channel = 'email'").get(notificationId, receiver) !== undefined;
  }

  /** Register a sending process (or refresh its heartbeat). */
  senderHeartbeat(id: string, wallNow: Date, pid: number): void {
    this.q.get(`INSERT INTO senders (id, pid, started_at, heartbeat_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`).run(id, pid, wallNow.toISOString(), wallNow.toISOString());
  }

  /** A sender that stops cleanly: its row goes and its in-flight deliveries are re-queued (one transaction). */
  senderStopped(id: string): void {
    this.db.transaction(() => {
      this.q.get("UPDATE deliveries SET status = 'pending', claimed_by = NULL WHERE status = 'sending' AND claimed_by = ?").run(id);
      this.q.get('DELETE FROM senders WHERE id = ?').run(id);
    })();
  }

  /**
   * One transaction: remove the senders other than `self` whose heartbeat is before `cutoff` or that
   * `isGone` says have exited, then re-queue 'sending' deliveries with no live claimant. Returns how many.
   */
  recoverInFlight(self: string | null, cutoff: string, isGone: (sender: { id: string; pid: number }) => boolean): number {
    return this.db.transaction(() => {
      const del = this.q.get('DELETE FROM senders WHERE id = ?');
      for (const r of this.q.get('SELECT id, pid, heartbeat_at FROM senders WHERE id IS DISTINCT FROM ?').all(self) as { id: string; pid: number; heartbeat_at: string }[]) {
        if (r.heartbeat_at < cutoff || isGone(r)) del.run(r.id);
      }
      return this.q.get(`UPDATE deliveries SET status = 'pending', claimed_by = NULL WHERE status = 'sending'
      AND (claimed_by IS NULL OR (claimed_by IS DISTINCT FROM ? AND claimed_by NOT IN (SELECT id FROM senders)))`).run(self).changes;
    })();
  }

  /** Claim up to `limit` due deliveries (status sending, attempts + 1), optionally of one channel. One transaction. */
  claimDue(now: Date, limit: number, channel: string | undefined, claimedBy: string | null): DeliveryRow[] {
    return this.db.transaction(() => {
      const rows = (channel === undefined
        ? this.q.get("SELECT * FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?").all(now.toISOString(), limit)
        : this.q.get("SELECT * FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ? AND channel = ? ORDER BY next_attempt_at, id LIMIT ?").all(now.toISOString(), channel, limit)) as DeliveryRow[];
      const upd = this.q.get("UPDATE deliveries SET status = 'sending', attempts = attempts + 1, claimed_by = ? WHERE id = ? AND status = 'pending'");
      return rows.filter((r) => upd.run(claimedBy, r.id).changes === 1).map((r) => ({ ...r, status: 'sending' as const, attempts: r.attempts + 1 }));
    })();
  }

  isLogged(dedupKey: string): boolean {
    return this.q.get('SELECT 1 FROM notification_log WHERE dedup_key = ?').get(dedupKey) !== undefined;
  }

  private attempt(id: number, at: Date, r: AttemptReceipt): void {
    this.q.get('INSERT INTO delivery_attempts (delivery_id, at, ok, status_code, detail, ms) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, at.toISOString(), r.ok ? 1 : 0, r.statusCode ?? null, r.detail.slice(0, 1000), Math.round(r.ms));
  }

  /** A confirmed send: notification log (first writer wins), status sent, receipt. One transaction. */
  markSent(d: DeliveryRow, at: Date, wallAt: Date, r: AttemptReceipt): void {
    this.db.transaction(() => {
      this.q.get('INSERT INTO notification_log (dedup_key, delivery_id, sent_at, receipt) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
        .run(d.dedup_key, d.id, at.toISOString(), r.detail.slice(0, 500));
      this.q.get("UPDATE deliveries SET status = 'sent', sent_at = ?, sent_wall_at = ?, last_error = NULL WHERE id = ?").run(at.toISOString(), wallAt.toISOString(), d.id);
      this.attempt(d.id, at, r);
    })();
  }

  /** Already in the notification log (sent before a crash): closed without sending again. */
  markAlreadySent(d: DeliveryRow, at: Date): void {
    this.q.get("UPDATE deliveries SET status = 'sent', sent_at = COALESCE(sent_at, ?), attempts = attempts - 1 WHERE id = ?").run(at.toISOString(), d.id);
  }

  /** Back to pending until `nextAt`, with the receipt. One transaction. */
  markRetry(d: DeliveryRow, at: Date, nextAt: Date, r: AttemptReceipt): void {
    this.db.transaction(() => {
      this.q.get("UPDATE deliveries SET status = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?").run(nextAt.toISOString(), r.detail.slice(0, 1000), d.id);
      this.attempt(d.id, at, r);
    })();
  }

  /** Failed for good, with the receipt. One transaction. */
  markFailed(d: DeliveryRow, at: Date, r: AttemptReceipt): void {
    this.db.transaction(() => {
      this.q.get("UPDATE deliveries SET status = 'failed', last_error = ? WHERE id = ?").run(r.detail.slice(0, 1000), d.id);
      this.attempt(d.id, at, r);
    })();
  }

  /** Everything pending becomes due at `now` and expires `maxAgeMs` after it. */
  rebasePending(now: Date, maxAgeMs: number): number {
    return this.q.get("UPDATE deliveries SET next_attempt_at = ?, expires_at = ? WHERE status = 'pending'")
      .run(now.toISOString(), new Date(now.getTime() + maxAgeMs).toISOString()).changes;
  }

  /** Channels with deliveries due at `now`. */
  dueChannels(now: Date): string[] {
    return this.q.pluck("SELECT DISTINCT channel FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ?").all(now.toISOString()) as string[];
  }

  /** When the next pending delivery is due (null without any). */
  nextAttemptAt(): string | null {
    return (this.q.get("SELECT MIN(next_attempt_at) AS t FROM deliveries WHERE status = 'pending'").get() as { t: string | null }).t;
  }

  countByStatus(): Record<string, number> {
    const out: Record<string, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
    for (const r of this.q.get('SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status').all() as { status: string; n: number }[]) out[r.status] = r.n;
    return out;
  }

  addWarning(at: Date, w: { kind: string; receiver?: string | null; channel?: string | null; deliveryId?: number | null; message: string }): void {
    this.q.get('INSERT INTO alerting_warnings (at, kind, receiver, channel, delivery_id, message) VALUES (?, ?, ?, ?, ?, ?)')
      .run(at.toISOString(), w.kind, w.receiver ?? null, w.channel ?? null, w.deliveryId ?? null, w.message);
  }

  /** Delivery receipts: by alert id (any notification that included it, and their fallbacks), by incident, or the most recent. */
  listDeliveries(opts: { alertId?: number; incidentId?: string; limit?: number } = {}): DeliveryView[] {
    let rows: (DeliveryRow & { kind: string | null })[];
    const base = 'SELECT d.*, n.kind FROM deliveries d LEFT JOIN notifications n ON n.id = d.notification_id';
    if (opts.alertId !== undefined) {
      rows = this.q.get(`${base} WHERE d.notification_id IN (SELECT notification_id FROM notification_alerts WHERE alert_id = ?)
      OR d.alert_id = ? OR d.fallback_of IN (SELECT id FROM deliveries WHERE notification_id IN (SELECT notification_id FROM notification_alerts WHERE alert_id = ?))
      ORDER BY d.id`).all(opts.alertId, opts.alertId, opts.alertId) as typeof rows;
    } else if (opts.incidentId !== undefined) {
      rows = this.q.get(`${base} WHERE n.incident_id = ? ORDER BY d.id`).all(opts.incidentId) as typeof rows;
    } else rows = this.q.get(`${base} ORDER BY d.id DESC LIMIT ?`).all(opts.limit ?? 200) as typeof rows;
    const att = this.q.get('SELECT at, ok, status_code, detail, ms FROM delivery_attempts WHERE delivery_id = ? ORDER BY id');
    return rows.map((r) => ({
      id: r.id, notificationId: r.notification_id, kind: r.kind, receiver: r.receiver, channel: r.channel, status: r.status, attempts: r.attempts,
      createdAt: r.created_at, sentAt: r.sent_at, lastError: r.last_error, fallbackOf: r.fallback_of, nextAttemptAt: r.next_attempt_at,
      attemptLog: (att.all(r.id) as { at: string; ok: number; status_code: number | null; detail: string | null; ms: number | null }[])
        .map((a) => ({ at: a.at, ok: a.ok === 1, statusCode: a.status_code, detail: a.detail, ms: a.ms })),
    }));
  }

  listWarnings(opts: { includeCleared?: boolean; limit?: number } = {}): WarningView[] {
    const rows = this.q.get(`SELECT * FROM alerting_warnings ${opts.includeCleared ? '' : 'WHERE cleared_at IS NULL'} ORDER BY id DESC LIMIT ?`).all(opts.limit ?? 200) as
      { id: number; at: string; kind: string; receiver: string | null; channel: string | null; delivery_id: number | null; message: string; cleared_at: string | null }[];
    return rows.map((r) => ({ id: r.id, at: r.at, kind: r.kind, receiver: r.receiver, channel: r.channel, deliveryId: r.delivery_id, message: r.message, clearedAt: r.cleared_at }));
  }

  clearWarning(id: number, at: Date): boolean {
    return this.q.get('UPDATE alerting_warnings SET cleared_at = ? WHERE id = ? AND cleared_at IS NULL').run(at.toISOString(), id).changes === 1;
  }
}
