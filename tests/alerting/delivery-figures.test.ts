// Figures for the notes: deliveries, retries and latency from alert to delivery, on all six
// channels with every receiver failing its first requests (HTTP 503 / vendor rate-limit codes).
// Run: npx vitest run tests/alerting/delivery-figures.test.ts
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createNotifier } from '../../src/alerting/notifier.js';
import { config, freshDb, insertAlert, startReceiver, testEnv, type Receiver, type Recorded } from './helpers.js';
import { verifyDingtalk, verifyFeishu, verifyWecom } from './vendor-receivers.js';
import { startSmtp, type LocalSmtp } from './smtp.js';

const FAIL_FIRST = 3;
const ALERTS = 30;
const arrivals = new Map<string, number[]>(); // incident → receipt times (ms) over all channels
const note = (incident: string) => { const a = arrivals.get(incident) ?? []; a.push(Date.now()); arrivals.set(incident, a); };
let rx: Receiver[] = [];
let smtp: LocalSmtp;

function flaky(ok: (r: Recorded) => { status?: number; body?: unknown }, down: { status?: number; body?: unknown }, incidentOf: (r: Recorded) => string) {
  return startReceiver((r, i) => {
    if (i <= FAIL_FIRST) return down;
    const res = ok(r);
    if ((res.status ?? 200) < 300) note(incidentOf(r));
    return res;
  });
}
const titleInc = (s: string) => /inc-fig-\d+/.exec(s.replace(/\\/g, ''))?.[0] ?? '?'; // markdown escapes '-'

beforeAll(async () => {
  smtp = await startSmtp();
  smtp.failNext = FAIL_FIRST;
  rx = [
    await flaky((r) => ({ body: verifyDingtalk(r, 'SECx') }), { body: { errcode: 130101, errmsg: 'send too fast' } }, (r) => titleInc(r.body)),
    await flaky((r) => ({ body: verifyFeishu(r, 'fs') }), { body: { code: 11232, msg: 'frequency limited' } }, (r) => titleInc(r.body)),
    await flaky((r) => ({ body: verifyWecom(r) }), { body: { errcode: 45009, errmsg: 'api freq out of limit' } }, (r) => titleInc(r.body)),
    await flaky(() => ({ status: 200, body: 'ok' }), { status: 429, body: 'rate_limited' }, (r) => titleInc(r.body)),
    await flaky(() => ({ status: 204, body: '' }), { status: 503, body: 'down' }, (r) => r.json.alert.incident),
  ];
});
afterAll(async () => { for (const r of rx) await r.close(); await smtp.close(); });

describe('delivery figures', () => {
  it(`${ALERTS} P1/P2 alerts × 6 channels, every receiver failing its first ${FAIL_FIRST} requests`, async () => {
    const [ding, feishu, wecom, slack, hook] = rx;
    const db = freshDb();
    const cfg = config(`receivers:
  - name: desk
    email: {to: [pr@example.com]}
    dingtalk: {webhook: "${ding.url}/robot/send?access_token=T", secret: SECx}
    feishu: {webhook: "${feishu.url}/hook", secret: fs}
    wecom: {webhook: "${wecom.url}/send?key=K"}
    slack: {webhook: "${slack.url}/services/X"}
    webhook: {url: "${hook.url}/h", secret: w}
route: {receiver: desk, group_wait: 0s}
delivery: {initial_backoff: 200ms, max_backoff: 2s, concurrency: 4}
`);
    const n = createNotifier(db, cfg, { env: testEnv({ SMTP_URL: smtp.url }), secret: 'k' });
    const start = new Map<string, number>();
    for (let i = 0; i < ALERTS; i++) {
      const inc = `inc-fig-${i}`;
      const a = insertAlert(db, { incident: inc, level: i % 3 ? 'P2' : 'P1', title: `事件 ${inc}` });
      start.set(inc, Date.now());
      n.onAlert(a, new Date());
    }
    const r = await n.drain(60_000);
    const incOfKey = db.prepare('SELECT n.incident_id FROM deliveries d JOIN notifications n ON n.id = d.notification_id WHERE d.dedup_key = ?').pluck();
    for (const m of smtp.mails) {
      const key = /X-Flarewatch-Delivery: (\S+)/i.exec(m.raw)?.[1] ?? '';
      const inc = incOfKey.get(key) as string;
      const a = arrivals.get(inc) ?? []; a.push(m.at); arrivals.set(inc, a);
    }
    const retries = (db.prepare('SELECT COUNT(*) AS n FROM delivery_attempts WHERE ok = 0').get() as { n: number }).n;
    const lat: number[] = [];
    for (const [inc, times] of arrivals) for (const t of times) lat.push(t - start.get(inc)!);
    lat.sort((a, b) => a - b);
    const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
    console.log(`figures: deliveries sent=${r.sent} failed=${r.failed} pending=${r.pending}; retries=${retries}; ` +
      `alert→delivery latency ms p50=${pct(0.5)} p95=${pct(0.95)} max=${lat.at(-1)} (n=${lat.length})`);
    expect(r).toEqual({ sent: ALERTS * 6, failed: 0, pending: 0 });
    expect(retries).toBe(FAIL_FIRST * 6);
    expect(lat.length).toBe(ALERTS * 6);
    for (const [, times] of arrivals) expect(times).toHaveLength(6); // each incident once per channel

    // second wave on the now healthy receivers: latency without retries
    arrivals.clear();
    start.clear();
    const mailsBefore = smtp.mails.length;
    for (let i = 0; i < ALERTS; i++) {
      const inc = `inc-fig-${100 + i}`;
      const a = insertAlert(db, { incident: inc, level: 'P1', title: `事件 ${inc}` });
      start.set(inc, Date.now());
      n.onAlert(a, new Date());
    }
    const r2 = await n.drain(60_000);
    for (const m of smtp.mails.slice(mailsBefore)) {
      const key = /X-Flarewatch-Delivery: (\S+)/i.exec(m.raw)?.[1] ?? '';
      const inc = incOfKey.get(key) as string;
      const a = arrivals.get(inc) ?? []; a.push(m.at); arrivals.set(inc, a);
    }
    const lat2: number[] = [];
    for (const [inc, times] of arrivals) for (const t of times) lat2.push(t - start.get(inc)!);
    lat2.sort((a, b) => a - b);
    const p2 = (p: number) => lat2[Math.min(lat2.length - 1, Math.floor(p * lat2.length))];
    console.log(`figures (healthy receivers): deliveries sent=${r2.sent - r.sent} failed=${r2.failed}; alert→delivery latency ms p50=${p2(0.5)} p95=${p2(0.95)} max=${lat2.at(-1)} (n=${lat2.length})`);
    const perChannel = db.prepare(`SELECT d.channel, COUNT(*) AS n, CAST(AVG(a.ms) AS INT) AS avg_ms, MAX(a.ms) AS max_ms FROM delivery_attempts a
      JOIN deliveries d ON d.id = a.delivery_id WHERE a.ok = 1 GROUP BY d.channel ORDER BY d.channel`).all();
    console.log(`figures: request time per successful send by channel ${JSON.stringify(perChannel)}`);
    expect(lat2.length).toBe(ALERTS * 6);
    expect(r2.failed).toBe(0);
  }, 90_000);
});
