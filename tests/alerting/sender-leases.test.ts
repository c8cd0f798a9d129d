// Several processes sending from one database: a claim records its sender, senders keep a
// heartbeat, and recovery re-queues only what a gone sender left in flight (never a live peer's).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { openDb, type Db } from '../../src/db/connection.js';
import { claimDue, queueNotification, recoverInFlight, senderHeartbeat, senderStopped } from '../../src/alerting/outbox.js';
import type { Notification } from '../../src/alerting/message.js';
import { exitedHere } from '../../src/alerting/notifier.js';

const t0 = new Date('2026-03-01T08:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);

function dbWithDeliveries(n: number): Db {
  const db = openDb(':memory:');
  const content = { title: 't', lines: [], alertIds: [] } as unknown as Notification;
  for (let i = 0; i < n; i++) {
    db.transaction(() => queueNotification(db, { kind: 'alert' as never, receiver: 'desk', content, alertIds: [] },
      { now: t0, wallNow: t0, maxAgeMs: 3_600_000, channels: ['webhook'], dedupBase: `d${i}` }))();
  }
  return db;
}
const statusOf = (db: Db) => db.prepare('SELECT status, claimed_by FROM deliveries ORDER BY id').all() as { status: string; claimed_by: string | null }[];

describe('sender leases', () => {
  it("a new sender leaves a live peer's in-flight deliveries alone", () => {
    const db = dbWithDeliveries(3);
    senderHeartbeat(db, 'A', at(0));
    expect(claimDue(db, t0, 2, undefined, 'A')).toHaveLength(2);
    senderHeartbeat(db, 'B', at(5));
    expect(recoverInFlight(db, 'B', at(5), 60_000)).toBe(0);
    expect(statusOf(db).filter((r) => r.status === 'sending').map((r) => r.claimed_by)).toEqual(['A', 'A']);
    // B claims only what is left
    expect(claimDue(db, t0, 5, undefined, 'B').length).toBe(1);
  });

  it("re-queues a sender's in-flight deliveries once its heartbeat is stale, and drops its row", () => {
    const db = dbWithDeliveries(2);
    senderHeartbeat(db, 'A', at(0));
    claimDue(db, t0, 2, undefined, 'A');
    senderHeartbeat(db, 'B', at(30));
    expect(recoverInFlight(db, 'B', at(30), 60_000)).toBe(0);
    senderHeartbeat(db, 'B', at(61));
    expect(recoverInFlight(db, 'B', at(61), 60_000)).toBe(2);
    expect(statusOf(db).every((r) => r.status === 'pending' && r.claimed_by === null)).toBe(true);
    expect(db.prepare('SELECT id FROM senders').pluck().all()).toEqual(['B']);
  });

  it('re-queues at once what a crashed process on this machine left (its pid is gone)', () => {
    const db = dbWithDeliveries(1);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const pid = Number(dead.stdout);
    const id = `${hostname()}:${pid}:abcd`;
    senderHeartbeat(db, id, at(0), pid);
    claimDue(db, t0, 1, undefined, id);
    expect(exitedHere({ id, pid })).toBe(true);
    expect(exitedHere({ id: `${hostname()}:${process.pid}:x`, pid: process.pid })).toBe(false); // this process
    expect(exitedHere({ id: `other-host:${pid}:x`, pid })).toBe(false); // another machine: only the heartbeat can tell
    expect(recoverInFlight(db, 'B', at(1), 60_000)).toBe(0); // heartbeat fresh, no liveness check: still in flight
    expect(recoverInFlight(db, 'B', at(1), 60_000, exitedHere)).toBe(1);
  });

  it('rows claimed by an older version (no claimant) and a clean stop are re-queued', () => {
    const db = dbWithDeliveries(2);
    claimDue(db, t0, 1); // no sender id
    expect(recoverInFlight(db, 'B', at(0))).toBe(1);
    senderHeartbeat(db, 'A', at(0));
    claimDue(db, t0, 5, undefined, 'A');
    senderStopped(db, 'A');
    expect(statusOf(db).every((r) => r.status === 'pending')).toBe(true);
    expect(db.prepare('SELECT COUNT(*) FROM senders').pluck().get()).toBe(0);
  });
});
