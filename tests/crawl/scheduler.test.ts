// Scheduler + db-sink: runs against feeds served on 127.0.0.1, writes sources/source_events,
// turns blocked, failing and empty sources into health events, never overlaps runs of one source.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import { openDb } from '../../src/db/connection.js';
import { readEnv } from '../../src/config/env.js';
import { startCrawlScheduler } from '../../src/crawl/scheduler.js';
import { createDbSink } from '../../src/crawl/db-sink.js';
import { sourceConfig } from '../../src/crawl/sources-config.js';
import type { Observation } from '../../src/core/observation.js';
import type { ReobservePolicy } from '../../src/crawl/reobserve.js';

const feed = (n: number) => `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>${Array.from({ length: n }, (_, i) => `<item><title>Item ${i}</title><link>http://x/${i}</link><guid>g${i}</guid><pubDate>Mon, 02 Jun 2025 10:0${i % 10}:00 GMT</pubDate></item>`).join('')}</channel></rss>`;

let server: Server;
let base = '';
let hits = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    const p = new URL(req.url!, 'http://x').pathname;
    if (p === '/robots.txt') { res.writeHead(200); res.end('User-agent: *\nDisallow: /private\n'); return; }
    if (p === '/feed') { hits++; setTimeout(() => { res.writeHead(200, { 'content-type': 'application/rss+xml' }); res.end(feed(3)); }, 50); return; }
    if (p === '/empty') { res.writeHead(200, { 'content-type': 'application/rss+xml' }); res.end(feed(0)); return; }
    if (p === '/down') { res.writeHead(500); res.end('boom'); return; }
    if (p === '/blocked') { res.writeHead(418); res.end('no'); return; }
    res.writeHead(404); res.end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server.close());

function setup() {
  const db = openDb(':memory:');
  const ingested: Observation[] = [];
  const ingest = (obs: Observation[], now: Date) => {
    const ins = db.prepare(`INSERT INTO posts (source, ext_id, kind, url, title, text, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (source, ext_id) DO UPDATE SET last_seen_at = excluded.last_seen_at`);
    for (const o of obs) { ingested.push(o); ins.run(o.source, o.id, o.kind, o.url ?? null, o.title ?? null, o.text ?? null, now.toISOString(), now.toISOString()); }
  };
  return { db, ingested, sink: createDbSink(db, ingest) };
}
const env = { ...readEnv({}), timezone: 'Asia/Shanghai' };
const fast = { maxRetries: 1, backoffBaseMs: 1, backoffMaxMs: 5, limits: { totalTimeoutMs: 5000 } };

describe('crawl scheduler with the SQLite sink', () => {
  it('runs a source, stores items and marks it healthy', async () => {
    const { db, ingested, sink } = setup();
    const sched = startCrawlScheduler({ sources: [sourceConfig({ id: 'feed', adapter: 'rss', url: `${base}/feed`, minIntervalMs: 0 })], sink, env, manual: true, fetcher: fast });
    const r = await sched.runNow('feed');
    expect(r.outcome).toBe('ok');
    expect(r.items).toBe(3);
    expect(ingested.map((o) => o.id).sort()).toEqual(['g0', 'g1', 'g2']);
    const row = db.prepare('SELECT * FROM sources WHERE id = ?').get('feed') as Record<string, unknown>;
    expect(row).toMatchObject({ adapter: 'rss', error_streak: 0, zero_streak: 0, blocked: 0, items_last_run: 3, healthy: 1 });
    expect(row.last_success_at).toBeTruthy();
    expect(sink.listEvents()[0]).toMatchObject({ sourceId: 'feed', kind: 'ok', items: 3 });
    await sched.stop();
  });

  it('never overlaps two runs of the same source', async () => {
    const { sink } = setup();
    const sched = startCrawlScheduler({ sources: [sourceConfig({ id: 'feed', adapter: 'rss', url: `${base}/feed`, minIntervalMs: 0 })], sink, env, manual: true, fetcher: fast });
    const before = hits;
    const [a, b] = [sched.runNow('feed'), sched.runNow('feed')];
    expect(sched.status()[0].running).toBe(true);
    expect(a).toBe(b);
    await a;
    expect(hits - before).toBe(1);
    await sched.stop();
  });

  it('reports failing, blocked, empty and robots-refused sources as health events', async () => {
    const { db, sink } = setup();
    const sources = ['down', 'blocked', 'empty', 'private'].map((p) => sourceConfig({ id: p, adapter: 'rss', url: `${base}/${p}`, minIntervalMs: 0 }));
    const sched = startCrawlScheduler({ sources, sink, env, manual: true, fetcher: fast });
    expect((await sched.runNow('down')).outcome).toBe('error');
    expect((await sched.runNow('down')).outcome).toBe('error');
    expect((await sched.runNow('blocked')).outcome).toBe('blocked');
    expect((await sched.runNow('empty')).outcome).toBe('empty');
    expect((await sched.runNow('private')).outcome).toBe('error');
    const kinds = (id: string) => sink.listEvents({ sourceId: id }).map((e) => e.kind);
    expect(kinds('down')).toEqual(['error', 'error']);
    expect(kinds('blocked')).toContain('blocked');
    expect(kinds('empty')).toEqual(['empty']);
    expect(sink.listEvents({ sourceId: 'private' })[0].message).toMatch(/robots/);
    const rows = Object.fromEntries((db.prepare('SELECT id, error_streak, zero_streak, blocked FROM sources').all() as { id: string }[]).map((r) => [r.id, r]));
    expect(rows.down).toMatchObject({ error_streak: 2, blocked: 0 });
    expect(rows.blocked).toMatchObject({ blocked: 1 });
    expect(rows.empty).toMatchObject({ zero_streak: 1 });
    const st = sched.status().find((s) => s.id === 'blocked')!;
    expect(st.blocked).toBe(true);
    expect(st.healthy).toBe(false);
    await sched.stop();
  });

  it('schedules enabled sources with node-cron in the given timezone', async () => {
    const { sink } = setup();
    const sched = startCrawlScheduler({ sources: [sourceConfig({ id: 'feed', adapter: 'rss', url: `${base}/feed`, schedule: '0 9 * * *' }), sourceConfig({ id: 'off', adapter: 'rss', url: `${base}/feed`, enabled: false })], sink, env, timezone: 'Asia/Shanghai', reobserveSchedule: null });
    const st = sched.status();
    const next = st.find((s) => s.id === 'feed')!.nextRunAt!;
    expect(new Date(next).getUTCHours()).toBe(1); // 09:00 in Shanghai
    expect(st.find((s) => s.id === 'off')!.nextRunAt).toBeNull();
    await sched.stop();
  });

  it('re-observes young posts on a decaying schedule', async () => {
    const { db, sink } = setup();
    const t0 = new Date('2025-06-02T10:00:00Z');
    let clock = t0;
    const sched = startCrawlScheduler({ sources: [sourceConfig({ id: 'feed', adapter: 'rss', url: `${base}/feed`, minIntervalMs: 0 })], sink, env, manual: true, fetcher: fast, now: () => clock });
    db.prepare(`INSERT INTO posts (source, ext_id, kind, url, first_seen_at, last_seen_at) VALUES ('rss', 'g1', 'post', ?, ?, ?)`).run(`${base}/feed`, t0.toISOString(), t0.toISOString());
    clock = new Date(t0.getTime() + 2 * 60_000);
    expect(sink.reobserveDue!(clock)).toEqual([]);
    clock = new Date(t0.getTime() + 5 * 60_000);
    expect(sink.reobserveDue!(clock).map((d) => d.id)).toEqual(['g1']);
    expect(await sched.reobserveNow()).toBe(3);
    // last seen at +5 min: the next snapshot is due at +10, not before
    expect(sink.reobserveDue!(new Date(t0.getTime() + 9 * 60_000))).toEqual([]);
    expect(sink.reobserveDue!(new Date(t0.getTime() + 10 * 60_000)).map((d) => d.id)).toContain('g1');
    await sched.stop();
  });

  it("follows each source's own reobserve settings (first gap, maximum age, on/off)", async () => {
    const { db, sink } = setup();
    const t0 = new Date('2025-06-02T10:00:00Z');
    let clock = t0;
    let due: string[] = []; // what the scheduler asked the sink for, with its per-source policy
    const watched = { ...sink, reobserveDue: (n: Date, p?: ReobservePolicy) => { const d = sink.reobserveDue!(n, p); due = d.map((x) => x.id); return d; } };
    const sched = startCrawlScheduler({
      sources: [
        sourceConfig({ id: 'feed', adapter: 'rss', url: `${base}/feed`, minIntervalMs: 0, reobserve: { firstMinutes: 30, maxAgeHours: 1 } }),
        sourceConfig({ id: 'hn', adapter: 'hn', url: `${base}/hn`, minIntervalMs: 0, reobserve: { enabled: false } }),
      ], sink: watched, env, manual: true, fetcher: fast, now: () => clock,
    });
    const ins = db.prepare(`INSERT INTO posts (source, ext_id, kind, url, first_seen_at, last_seen_at) VALUES (?, ?, 'post', ?, ?, ?)`);
    ins.run('rss', 'r1', `${base}/feed`, t0.toISOString(), t0.toISOString());
    ins.run('hn', 'h1', `${base}/hn/item`, t0.toISOString(), t0.toISOString());
    clock = new Date(t0.getTime() + 10 * 60_000); // the default 5-minute gap has passed, the feed's 30 minutes have not
    expect(await sched.reobserveNow()).toBe(0);
    expect(due).toEqual([]);
    clock = new Date(t0.getTime() + 30 * 60_000);
    expect(await sched.reobserveNow()).toBeGreaterThan(0);
    expect(due).toEqual(['r1']); // h1 is not: re-observation is off for its source
    expect(sink.reobserveDue!(clock).map((d) => d.id).sort()).toEqual(['h1', 'r1']); // (the sink's global default would take both)
    // last seen at +40 min: the next gap would end at +80 min, past the feed's 1 h maximum age
    db.prepare(`UPDATE posts SET last_seen_at = ? WHERE ext_id = 'r1'`).run(new Date(t0.getTime() + 40 * 60_000).toISOString());
    clock = new Date(t0.getTime() + 90 * 60_000);
    await sched.reobserveNow();
    expect(due).not.toContain('r1'); // (the feed's own items, first seen at +30 min, are still followed)
    await sched.stop();
  });
});
