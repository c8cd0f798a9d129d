import { describe, it, expect, afterEach } from 'vitest';
import { createServer } from 'node:http';
import { createNotifier } from '../../src/alerting/notifier.js';
import { listDeliveries, listWarnings } from '../../src/alerting/outbox.js';
import { backoffDelay } from '../../src/alerting/backoff.js';
import { config, freshDb, insertAlert, startReceiver, testEnv, FAST_DELIVERY, type Receiver } from './helpers.js';
import { startSmtp, type LocalSmtp } from './smtp.js';

let rx: Receiver | null = null;
let smtp: LocalSmtp | null = null;
afterEach(async () => { await rx?.close(); rx = null; await smtp?.close(); smtp = null; });

describe('retries and recovery', () => {
  it('a receiver down for its first requests gets every alert exactly once after it recovers', async () => {
    const seen = new Map<string, number>();
    rx = await startReceiver((r, i) => {
      if (i <= 6) return { status: 503, body: 'down' };
      const id = r.json.alert.incident as string;
      seen.set(id, (seen.get(id) ?? 0) + 1);
      return { status: 200, body: 'ok' };
    });
    const db = freshDb();
    const n = createNotifier(db, config(`receivers:\n  - name: d\n    webhook: {url: "${rx.url}/h"}\nroute: {receiver: d, group_wait: 0s}\n${FAST_DELIVERY}`), { env: testEnv(), secret: 'k' });
    const alerts = Array.from({ length: 5 }, (_, i) => insertAlert(db, { level: i % 2 ? 'P2' : 'P1' }));
    for (const a of alerts) n.onAlert(a, new Date());
    const r = await n.drain(15_000);
    expect(r).toEqual({ sent: 5, failed: 0, pending: 0 });
    expect([...seen.values()]).toEqual([1, 1, 1, 1, 1]);
    expect(seen.size).toBe(5);
    const retries = db.prepare('SELECT COUNT(*) AS n FROM delivery_attempts WHERE ok = 0').get() as { n: number };
    expect(retries.n).toBe(6);
    const receipts = listDeliveries(db, { alertId: alerts[0].id });
    expect(receipts[0].status).toBe('sent');
    expect(receipts[0].attemptLog.at(-1)!.ok).toBe(true);
  });

  it('a receiver that is not even listening at first (connection refused) still gets it once', async () => {
    const probe = await startReceiver();
    const port = Number(new URL(probe.url).port);
    await probe.close();
    const db = freshDb();
    const n = createNotifier(db, config(`receivers:\n  - name: d\n    webhook: {url: "http://127.0.0.1:${port}/h"}\nroute: {receiver: d, group_wait: 0s}\n${FAST_DELIVERY}`), { env: testEnv(), secret: 'k' });
    const a = insertAlert(db, { level: 'P1' });
    n.onAlert(a, new Date());
    const got: string[] = [];
    const late = createServer((req, res) => { let b = ''; req.on('data', (c) => (b += c)); req.on('end', () => { got.push(b); res.end('ok'); }); });
    setTimeout(() => late.listen(port, '127.0.0.1'), 300);
    const r = await n.drain(10_000);
    late.close();
    expect(r.sent).toBe(1);
    expect(got).toHaveLength(1);
    expect((db.prepare('SELECT attempts FROM deliveries').get() as { attempts: number }).attempts).toBeGreaterThan(1);
  });

  it('gives up on transient errors after the max age and falls back to email with a visible warning', async () => {
    rx = await startReceiver(() => ({ status: 503, body: 'down' }));
    smtp = await startSmtp();
    const db = freshDb();
    const cfg = config(`receivers:\n  - name: d\n    slack: {webhook: "${rx.url}/h"}\n  - name: admin\n    email: {to: [ops@example.com]}\nadmin_receiver: admin\nroute: {receiver: d, group_wait: 0s}\ndelivery: {initial_backoff: 20ms, max_backoff: 50ms, max_age: 300ms}\n`);
    const n = createNotifier(db, cfg, { env: testEnv({ SMTP_URL: smtp.url }), secret: 'k' });
    n.onAlert(insertAlert(db, { level: 'P1' }), new Date());
    const r = await n.drain(10_000);
    expect(r).toMatchObject({ failed: 1, sent: 1, pending: 0 });
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0].to).toEqual(['ops@example.com']);
    const w = listWarnings(db);
    expect(w.map((x) => x.kind)).toContain('fallback');
    expect(db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'delivery.fallback'").get()).toEqual({ n: 1 });
  });

  it('a permanent failure (bad DingTalk signature) is not retried and falls back to the receiver\'s admin email', async () => {
    rx = await startReceiver(() => ({ status: 200, body: { errcode: 310000, errmsg: 'sign not match' } }));
    smtp = await startSmtp();
    const db = freshDb();
    const cfg = config(`receivers:\n  - name: d\n    dingtalk: {webhook: "${rx.url}/robot/send?access_token=T", secret: wrong}\n  - name: admin\n    email: {to: [ops@example.com]}\nadmin_receiver: admin\nroute: {receiver: d, group_wait: 0s}\n${FAST_DELIVERY}`);
    const n = createNotifier(db, cfg, { env: testEnv({ SMTP_URL: smtp.url }), secret: 'k' });
    n.onAlert(insertAlert(db, { level: 'P1' }), new Date());
    await n.drain(10_000);
    expect(rx.requests).toHaveLength(1);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0].raw).toMatch(/dingtalk/);
  });

  it('backoff grows exponentially with jitter, is capped, and honours Retry-After', () => {
    const p = { initialBackoffMs: 1000, maxBackoffMs: 60_000 };
    expect(backoffDelay(p, 1, 0)).toBe(500);
    expect(backoffDelay(p, 1, 0.999)).toBeLessThanOrEqual(1000);
    expect(backoffDelay(p, 4, 0)).toBe(4000);
    expect(backoffDelay(p, 30, 0.999)).toBeLessThanOrEqual(60_000);
    expect(backoffDelay(p, 1, 0, 30_000)).toBe(30_000);
    expect(backoffDelay(p, 1, 0, 600_000)).toBe(60_000);
  });
});
