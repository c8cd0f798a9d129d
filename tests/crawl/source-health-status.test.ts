// Issue 13, "health statuses are wrong", against the monitor as `start` assembles it (crawl
// scheduler, SQLite sink, /api/v1/sources, /healthz) with sources served on 127.0.0.1:
// - before its first crawl a source is "pending", not green;
// - a source that has never once worked is "not-working" (red) after its first failure, not
//   "正常" until the third;
// - a source answering HTTP 500 is degraded, then failing, never "blocked (cookies expired)", and
//   it works again as soon as the site does (no 60-minute pause for a retired session);
// - "blocked" comes from block signals (403 and the like);
// - /healthz counts the sources that are failing instead of answering unhealthySources: 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { startLiveMonitor, type LiveMonitor } from '../security/live-monitor.js';
import { DEFAULT_THRESHOLDS, retryAfter, sourceState } from '../../src/crawl/source-health.js';

const feed = (n: number, tag: string) => `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>${Array.from({ length: n }, (_, i) => `<item><title>${tag} ${i}</title><link>http://x/${tag}/${i}</link><guid>${tag}${i}</guid><pubDate>Mon, 02 Jun 2025 10:0${i % 10}:00 GMT</pubDate></item>`).join('')}</channel></rss>`;

let server: Server;
let base = '';
let flakyUp = true;
let served = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    const p = new URL(req.url!, 'http://x').pathname;
    if (p === '/never') { res.writeHead(500); res.end('internal error'); return; }
    if (p === '/flaky' && flakyUp) { served++; res.writeHead(200, { 'content-type': 'application/rss+xml' }); res.end(feed(2, `f${served}-`)); return; }
    if (p === '/flaky') { res.writeHead(500); res.end('internal error'); return; }
    if (p === '/forbidden') { res.writeHead(403); res.end('forbidden'); return; }
    if (p === '/ok') { res.writeHead(200, { 'content-type': 'application/rss+xml' }); res.end(feed(3, 'ok')); return; }
    res.writeHead(404); res.end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server.close());

const source = (id: string, path: string) => `  - id: ${id}\n    adapter: rss\n    url: ${base}${path}\n    schedule: "0 0 1 1 *"\n    robots: ignore\n    minIntervalMs: 0\n    maxPages: 1\n    reobserve: {enabled: false}\n`;

describe('source health in the running monitor', () => {
  let live: LiveMonitor;
  let analyst: { cookie: string; csrf: string };
  let viewer: { cookie: string; csrf: string };
  let startedAt = 0;
  type Row = { id: string; state?: string; healthy: number; blocked: number; blocked_reason: string | null; error_streak: number; last_error: string | null };
  const sources = async () => ((await (await fetch(`${live.url}/api/v1/sources`, { headers: { cookie: viewer.cookie } })).json()) as { sources: Row[] }).sources;
  const row = async (id: string) => (await sources()).find((s) => s.id === id)!;
  const healthz = async () => (await (await fetch(`${live.url}/healthz`)).json()) as { status: string; unhealthySources: number; sources?: Record<string, number> };
  const crawl = async (id: string) => {
    const r = await fetch(`${live.url}/api/v1/sources/${id}/crawl`, { method: 'POST', headers: { cookie: analyst.cookie, 'x-csrf-token': analyst.csrf, 'content-type': 'application/json' }, body: '{}' });
    expect(r.status, await r.clone().text()).toBe(200);
    return ((await r.json()) as { result: { outcome: string } }).result;
  };

  beforeAll(async () => {
    // the last sources in the file are started last (run-on-start is staggered by 1.5 s), so they are still pending at first
    const yaml = `timezone: Asia/Shanghai\nsources:\n${source('never', '/never')}${source('flaky', '/flaky')}${source('forbidden', '/forbidden')}${source('ok', '/ok')}${source('later-a', '/ok')}${source('later-b', '/ok')}`;
    startedAt = Date.now();
    live = await startLiveMonitor({ rules: { 'sources.yaml': yaml } });
    viewer = await live.login('viewer');
    analyst = await live.login('analyst');
  }, 60_000);
  afterAll(async () => { await live?.stop(); });

  it('a source not crawled yet is pending, and /healthz does not count it as unhealthy', async () => {
    const r = await row('later-b');
    expect(r.state).toBe('pending');
    const h = await healthz();
    expect(h.status).toBe('ok');
    expect(h.sources?.pending).toBeGreaterThanOrEqual(1);
  });

  it('a source that has never worked is "not-working" after its first failure, and /healthz counts it', async () => {
    const result = await crawl('never');
    expect(result.outcome).toBe('error');
    const r = await row('never');
    expect(r.state).toBe('not-working');
    expect(r.healthy).toBe(0);
    expect(r.blocked).toBe(0);
    expect(r.last_error).toMatch(/HTTP 500/);
    const h = await healthz();
    expect(h.unhealthySources).toBeGreaterThanOrEqual(1);
    expect(h.sources?.['not-working']).toBe(1);
  }, 30_000);

  it('HTTP 500 after working: degraded, then failing, never blocked; works again at once when the site does', async () => {
    // let the start-up run of this source (at +2 s) come and go first, so only our runs count
    while (Date.now() < startedAt + 2600) await new Promise((r) => setTimeout(r, 100));
    for (;;) {
      const { live: st } = (await (await fetch(`${live.url}/api/v1/sources`, { headers: { cookie: viewer.cookie } })).json()) as { live: { id: string; running: boolean }[] };
      if (!st.find((x) => x.id === 'flaky')?.running) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await crawl('flaky')).outcome).toBe('ok');
    expect((await row('flaky')).state).toBe('ok');
    flakyUp = false;
    const outcomes: string[] = [];
    for (let i = 0; i < DEFAULT_THRESHOLDS.errorStreak + 1; i++) {
      outcomes.push((await crawl('flaky')).outcome);
      const r = await row('flaky');
      expect(r.blocked, `run ${i + 2}: ${r.last_error}`).toBe(0);
      expect(r.blocked_reason).toBeNull();
      expect(r.state).toBe(i + 1 < DEFAULT_THRESHOLDS.errorStreak ? 'degraded' : 'failing');
    }
    expect(outcomes.every((o) => o === 'error')).toBe(true);
    const events = ((await (await fetch(`${live.url}/api/v1/sources/flaky/events`, { headers: { cookie: viewer.cookie } })).json()) as { events: { kind: string; message: string | null }[] }).events;
    expect(events.some((e) => e.kind === 'blocked')).toBe(false);
    expect(events.filter((e) => e.kind === 'error').every((e) => /HTTP 500/.test(e.message ?? ''))).toBe(true);
    expect(live.logs.some((l) => /cookies expired|session .* is retired/.test(l.msg))).toBe(false);
    // the site is back: the very next run works (no retired session waiting out a 60-minute cool-down)
    flakyUp = true;
    expect((await crawl('flaky')).outcome).toBe('ok');
    expect((await row('flaky')).state).toBe('ok');
  }, 60_000);

  it('403 is a block signal: blocked, unhealthy', async () => {
    expect((await crawl('forbidden')).outcome).toBe('blocked');
    const r = await row('forbidden');
    expect(r.state).toBe('blocked');
    expect(r.blocked).toBe(1);
  }, 30_000);

  it('/healthz counts every source that is failing, not zero', async () => {
    flakyUp = false;
    await crawl('flaky');
    expect(await crawl('ok')).toMatchObject({ outcome: 'ok' });
    const h = await healthz();
    const states = Object.fromEntries((await sources()).map((s) => [s.id, s.state]));
    const bad = Object.values(states).filter((s) => s !== 'ok' && s !== 'pending').length;
    expect(bad).toBeGreaterThanOrEqual(3); // never, flaky, forbidden
    expect(h.unhealthySources).toBe(bad);
    expect(h.status).toBe('ok'); // the service itself is up
    flakyUp = true;
  }, 30_000);
});

describe('states and backoff (pure)', () => {
  const base0 = { lastRunAt: null, lastSuccessAt: null, errorStreak: 0, zeroStreak: 0, blocked: false };
  it('maps the facts to one state', () => {
    expect(sourceState(base0)).toBe('pending');
    expect(sourceState({ ...base0, lastRunAt: 'x', errorStreak: 1 })).toBe('not-working');
    expect(sourceState({ ...base0, lastRunAt: 'x', lastSuccessAt: 'x' })).toBe('ok');
    expect(sourceState({ ...base0, lastRunAt: 'x', lastSuccessAt: 'x', errorStreak: 2 })).toBe('degraded');
    expect(sourceState({ ...base0, lastRunAt: 'x', lastSuccessAt: 'x', errorStreak: 3 })).toBe('failing');
    expect(sourceState({ ...base0, lastRunAt: 'x', lastSuccessAt: 'x', zeroStreak: 3 })).toBe('empty');
    expect(sourceState({ ...base0, lastRunAt: 'x', lastSuccessAt: 'x', errorStreak: 1, blocked: true })).toBe('blocked');
  });
  it('backs off scheduled runs after repeated errors: 1, 2, 4 ... at most 60 minutes; not after one error, not when blocked', () => {
    const at = '2026-08-22T05:00:00.000Z';
    const after = (n: number) => (retryAfter({ errorStreak: n, lastErrorAt: at, blocked: false })!.getTime() - Date.parse(at)) / 60_000;
    expect(retryAfter({ errorStreak: 1, lastErrorAt: at, blocked: false })).toBeNull();
    expect([2, 3, 4, 5].map(after)).toEqual([1, 2, 4, 8]);
    expect(after(20)).toBe(60);
    expect(retryAfter({ errorStreak: 5, lastErrorAt: at, blocked: true })).toBeNull();
  });
});
