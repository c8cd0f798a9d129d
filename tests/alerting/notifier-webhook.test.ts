import { describe, it, expect, afterEach } from 'vitest';
import { createHmac } from 'node:crypto';
import { createNotifier } from '../../src/alerting/notifier.js';
import { config, freshDb, insertAlert, startReceiver, testEnv, FAST_DELIVERY, type Receiver } from './helpers.js';

let rx: Receiver | null = null;
afterEach(async () => { await rx?.close(); rx = null; });

describe('onAlert → outbox → tick → webhook', () => {
  it('delivers a signed JSON body once the group wait has passed', async () => {
    rx = await startReceiver(() => ({ status: 200, body: 'ok' }));
    const db = freshDb();
    const cfg = config(`receivers:\n  - name: desk\n    webhook: {url: "${rx.url}/hook", secret: "\${HOOK_SECRET}"}\nroute: {receiver: desk, group_wait: 30s}\n${FAST_DELIVERY}`, { HOOK_SECRET: 's3cret' });
    const n = createNotifier(db, cfg, { env: testEnv(), secret: 'ack-secret' });
    const a = insertAlert(db, { level: 'P1', title: '危机 <script>alert(1)</script>' });
    const t0 = new Date('2026-08-22T05:40:00Z');
    n.onAlert(a, t0);
    await n.tick(new Date(t0.getTime() + 10_000));
    expect(rx.requests).toHaveLength(0); // still in group_wait
    await n.tick(new Date(t0.getTime() + 31_000));
    expect(rx.requests).toHaveLength(1);
    const r = rx.requests[0];
    const sig = createHmac('sha256', 's3cret').update(r.body).digest('hex');
    expect(r.headers['x-flarewatch-signature']).toBe(`sha256=${sig}`);
    expect(r.headers['x-flarewatch-delivery']).toMatch(/^g\d+:s1\|desk\|webhook$/);
    expect(r.json.alert).toMatchObject({ incident: a.incident, level: 'P1', risk: 78, posts: ['weibo:1'] });
    expect(r.json.ackUrl).toMatch(/^http:\/\/127\.0\.0\.1:8080\/ack\//);
    const row = db.prepare('SELECT status, attempts FROM deliveries').get() as { status: string; attempts: number };
    expect(row).toEqual({ status: 'sent', attempts: 1 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM notification_log').get()).toEqual({ n: 1 });
    await n.tick(new Date(t0.getTime() + 60_000));
    expect(rx.requests).toHaveLength(1); // nothing new: no resend
  });

  it('records but does not send when there is no alerting.yaml', async () => {
    const db = freshDb();
    const n = createNotifier(db, config(''), { env: testEnv(), secret: 'x' });
    const a = insertAlert(db);
    n.onAlert(a, new Date());
    await n.tick(new Date(Date.now() + 3600_000));
    expect(db.prepare('SELECT outcome FROM alert_decisions').get()).toEqual({ outcome: 'no-route' });
    expect(db.prepare('SELECT COUNT(*) AS n FROM deliveries').get()).toEqual({ n: 0 });
  });
});
