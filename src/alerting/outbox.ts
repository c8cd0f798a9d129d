// The durable outbox: notifications, their deliveries (one per receiver channel), the notification
// log (written only after a confirmed send, checked before every send), per-attempt receipts and
// visible warnings. The rows and their transactions are the store's (src/db/store/outbox-store.ts);
// this module is alerting's typed way in.
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
import { storeOf } from '../db/store/index.js';
import type { AttemptReceipt, DeliveryRow, DeliveryView, OutboxStore, QueueOptions, WarningView } from '../db/store/outbox-store.js';
import type { Notification, NotificationKind } from './message.js';

export type { AttemptReceipt, DeliveryRow, DeliveryView, QueueOptions, WarningView };

export interface NewNotification {
  kind: NotificationKind; receiver: string; groupId?: number | null; seq?: number | null; incidentId?: string | null;
  content: Notification; alertIds: number[];
}

const outbox = (db: Db): OutboxStore => storeOf(db).alerts.outbox;

/** Insert a notification and one pending delivery per channel. Call inside a transaction. */
export function queueNotification(db: Db, n: NewNotification, o: QueueOptions): { notificationId: number; deliveryIds: number[] } {
  return outbox(db).queueNotification({ kind: n.kind, receiver: n.receiver, groupId: n.groupId ?? null, seq: n.seq ?? null, incidentId: n.incidentId ?? null, content: n.content, alertIds: n.alertIds }, o);
}

/** Register a sending process (or refresh its heartbeat). */
export function senderHeartbeat(db: Db, id: string, wallNow: Date, pid = process.pid): void {
  outbox(db).senderHeartbeat(id, wallNow, pid);
}

/** A sender that stops cleanly: its row goes, and anything it still had in flight is re-queued. */
export function senderStopped(db: Db, id: string): void {
  outbox(db).senderStopped(id);
}

/**
 * Re-queue deliveries left in 'sending' by senders that are gone: no claimant recorded (older
 * versions), a claimant with no senders row, one whose heartbeat is older than `staleMs`, or one
 * that `isGone` says has exited (a process on this machine that no longer exists, so a restart
 * after a crash recovers at once). Gone senders' rows are removed. `self` is never gone.
 */
export function recoverInFlight(db: Db, self: string | null = null, wallNow: Date = new Date(), staleMs = 60_000,
  isGone: (sender: { id: string; pid: number }) => boolean = () => false): number {
  return outbox(db).recoverInFlight(self, new Date(wallNow.getTime() - staleMs).toISOString(), isGone);
}

/** Claim up to `limit` due deliveries (status → sending, attempts + 1) atomically, optionally of one channel. */
export function claimDue(db: Db, now: Date, limit: number, channel?: string, claimedBy: string | null = null): DeliveryRow[] {
  return outbox(db).claimDue(now, limit, channel, claimedBy);
}

export function isLogged(db: Db, dedupKey: string): boolean {
  return outbox(db).isLogged(dedupKey);
}

/** Record a confirmed send: log first-writer-wins, status sent, receipt. One transaction. */
export function markSent(db: Db, d: DeliveryRow, at: Date, wallAt: Date, r: AttemptReceipt): void {
  outbox(db).markSent(d, at, wallAt, r);
}

/** Already in the notification log (sent before a crash): close without sending again. */
export function markAlreadySent(db: Db, d: DeliveryRow, at: Date): void {
  outbox(db).markAlreadySent(d, at);
}

export function markRetry(db: Db, d: DeliveryRow, at: Date, nextAt: Date, r: AttemptReceipt): void {
  outbox(db).markRetry(d, at, nextAt, r);
}

export function markFailed(db: Db, d: DeliveryRow, at: Date, r: AttemptReceipt): void {
  outbox(db).markFailed(d, at, r);
}

/** Drain: everything pending is due now, with a fresh max age from now. */
export function rebasePending(db: Db, now: Date, maxAgeMs: number): number {
  return outbox(db).rebasePending(now, maxAgeMs);
}

/** Channels with deliveries due at `now`. */
export function dueChannels(db: Db, now: Date): string[] {
  return outbox(db).dueChannels(now);
}

export function countByStatus(db: Db): Record<string, number> {
  return outbox(db).countByStatus();
}

export function addWarning(db: Db, at: Date, w: { kind: string; receiver?: string | null; channel?: string | null; deliveryId?: number | null; message: string }): void {
  outbox(db).addWarning(at, w);
}

/** Delivery receipts for the API/dashboard: by alert id (any notification that included it) or all recent. */
export function listDeliveries(db: Db, opts: { alertId?: number; incidentId?: string; limit?: number } = {}): DeliveryView[] {
  return outbox(db).listDeliveries(opts);
}

export function listWarnings(db: Db, opts: { includeCleared?: boolean; limit?: number } = {}): WarningView[] {
  return outbox(db).listWarnings(opts);
}

export function clearWarning(db: Db, id: number, at: Date): boolean {
  return outbox(db).clearWarning(id, at);
}
