// kill -9 of a real `flarewatch start` (built CLI, temp database, port 0) while a client POSTs
// batches of observations and alerts are being delivered to a local webhook; then restart on the
// same database. Asserted: every observation acknowledged 200 is in the database; every alert the
// monitor recorded gets delivered; a delivery key may arrive twice only if it was in flight at the
// kill (the alerting guarantee: duplicates only with the same X-Flarewatch-Delivery key, so an
// idempotent receiver sees each alert exactly once). Needs `npm run build`.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../src/db/connection.js';
// @ts-expect-error plain ESM helper shared with the benchmark
import { addToken, startMonitor, startReceiver, postJson } from '../../bench/live-harness.mjs';

const built = existsSync(new URL('../../dist/src/cli/main.js', import.meta.url));
if (!built) console.warn('skipping: dist/ not built (npm run build)');
const LONG = !!process.env.FLAREWATCH_LONG_TESTS;
const dir = mkdtempSync(join(tmpdir(), 'fw-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BRANDS = Array.from({ length: 12 }, (_, i) => `灾备品牌${String.fromCharCode(0x4e00 + 41 * i + 3)}${i}号`);
function rules(): string {
  const r = join(dir, 'rules');
  mkdirSync(join(r, 'topics'), { recursive: true });
  BRANDS.forEach((b, i) => writeFileSync(join(r, 'topics', `t${i}.yaml`), `id: kill-${i}\nname: ${b}\nquery: "\\"${b}\\""\n`));
  writeFileSync(join(r, 'alerting.yaml'), readFileSync(new URL('../../bench/rules/alerting.yaml', import.meta.url)));
  return r;
}

describe.skipIf(!built)('kill -9 of start during ingest and alert delivery', () => {
  it('loses no acknowledged observation and no alert; re-sends only in-flight keys', async () => {
    const rulesDir = rules();
    const db = join(dir, 'fw.db');
    const token = addToken(db);
    // the receiver answers after 300 ms, so deliveries are in flight when the process dies
    const rx = await startReceiver({ delayMs: 300 });
    const env = { FLAREWATCH_WEBHOOK_URL: rx.url };
    const first = startMonitor({ db, rules: rulesDir, env });
    const url = `${await first.url}/api/v1/observations`;
    const acked = new Set<string>();
    let n = 0, killed = false, refused = 0;
    const killAfterMs = LONG ? 6000 : 2500;
    const t0 = Date.now();
    setTimeout(() => { killed = true; first.child.kill('SIGKILL'); }, killAfterMs);
    // a client posting batches of 40 until the process dies (each batch has one severe post on a new topic)
    for (let b = 0; !killed || b < 1; b++) {
      const now = new Date().toISOString();
      const batch = Array.from({ length: 40 }, (_, k) => {
        const id = `k${b}-${k}`;
        const text = k === 0 ? `${BRANDS[b % BRANDS.length]}喝出异物，孩子上吐下泻住院了，投诉无门` : `普通帖子 ${b} ${k} 今天天气不错`;
        return { at: now, source: 'weibo', kind: 'post', id, text, publishedAt: now, metrics: { reposts: n++ % 7 } };
      });
      try {
        const r = await postJson(url, token, batch);
        if (r.status === 200) for (const o of batch) acked.add(o.id);
      } catch { refused++; break; } // connection reset by the kill: not acknowledged
      if (Date.now() - t0 > killAfterMs + 5000) break;
    }
    const ex = await first.exited;
    expect(ex.signal).toBe('SIGKILL');
    expect(acked.size).toBeGreaterThan(0);

    const second = startMonitor({ db, rules: rulesDir, env });
    await second.url;
    // wait until the outbox is empty (the notifier ticks every 10 s)
    const until = Date.now() + 45_000;
    let pending = 1;
    while (pending > 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 1000));
      const d = openDb(db);
      pending = (d.prepare("SELECT COUNT(*) FROM deliveries WHERE status IN ('pending', 'sending')").pluck().get() as number);
      d.close();
    }
    second.child.kill('SIGTERM');
    await second.exited;
    await rx.close();

    const d = openDb(db);
    const stored = new Set(d.prepare("SELECT ext_id FROM posts WHERE source = 'weibo'").pluck().all() as string[]);
    const alerts = d.prepare('SELECT COUNT(*) FROM alerts').pluck().get() as number;
    const deliveries = d.prepare('SELECT dedup_key, status FROM deliveries').all() as { dedup_key: string; status: string }[];
    d.close();
    const lost = [...acked].filter((id) => !stored.has(id));
    expect(lost, 'acknowledged observations missing after restart').toEqual([]);
    expect(alerts).toBeGreaterThan(0);
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.filter((x) => x.status !== 'sent'), 'deliveries not sent after restart').toEqual([]);
    const keys = rx.received.map((r: { key: string }) => r.key);
    const distinct = new Set(keys);
    expect(deliveries.filter((x) => !distinct.has(x.dedup_key)), "delivery keys never received").toEqual([]);
    expect(distinct.size, 'every delivery key arrived').toBe(deliveries.length);
    expect(keys.length - distinct.size, 'repeats: only requests in flight at the kill (concurrency 4)').toBeLessThanOrEqual(4);
    console.log(`kill -9 after ${killAfterMs} ms: ${acked.size} observations acknowledged, all stored (${stored.size} stored; ${refused} batch cut by the kill); ${alerts} alerts, ${deliveries.length} deliveries, ${keys.length} webhook requests (${keys.length - distinct.size} repeated with the same key)`);
  }, 120_000);
});
