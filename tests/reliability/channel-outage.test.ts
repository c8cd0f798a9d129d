// A channel that is down for 10 minutes during a burst of 100 alerts: once it recovers, every alert
// arrives exactly once, nothing gives up, and the retries back off (not hammering the receiver).
import { describe, it, expect, afterEach } from 'vitest';
import { createNotifier } from '../../src/alerting/notifier.js';
import { config, freshDb, insertAlert, startReceiver, testEnv, type Receiver } from '../alerting/helpers.js';

let rx: Receiver | null = null;
afterEach(async () => { await rx?.close(); rx = null; });

describe('channel outage', () => {
  it('100 alerts during a 10-minute outage are all delivered exactly once after recovery', async () => {
    const t0 = Date.parse('2026-09-01T02:00:00Z');
    let fake = t0;
    let failed = 0;
    const seen = new Map<string, number>();
    rx = await startReceiver((r) => {
      if (fake < t0 + 10 * 60_000) { failed++; return { status: 503, body: 'maintenance' }; }
      const id = String(r.json.alert?.incident ?? r.json.incident);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      return { status: 200, body: 'ok' };
    });
    const db = freshDb();
    const n = createNotifier(db, config(`receivers:\n  - name: d\n    webhook: {url: "${rx.url}/h"}\nroute: {receiver: d, group_wait: 0s, group_by: [incident]}\n`), { env: testEnv(), secret: 'k', clock: () => new Date(fake) });
    for (let i = 0; i < 100; i++) n.onAlert(insertAlert(db, { level: i % 3 ? 'P2' : 'P1', incident: `inc-${i + 1}` }), new Date(fake));
    while (fake < t0 + 25 * 60_000) {
      await n.tick(new Date(fake));
      fake += 15_000;
    }
    await n.tick(new Date(fake));
    expect(seen.size).toBe(100);
    expect([...seen.values()].every((c) => c === 1)).toBe(true);
    const status = db.prepare('SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status').all();
    expect(status).toEqual([{ status: 'sent', n: 100 }]);
    // backoff: far fewer failed attempts than one per alert per 15-second tick during the outage
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(100 * 40);
    const logged = db.prepare('SELECT COUNT(*) AS n FROM notification_log').get() as { n: number };
    expect(logged.n).toBe(100);
  }, 60_000);
});
