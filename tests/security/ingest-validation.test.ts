// Issue 13 items 4 and 6, against the monitor as `start` assembles it:
// - an item nested 6,000 deep (or too big, or of the wrong type) is refused before it touches
//   any state, with a 4xx naming the item (index, source:id) and why; the service stays healthy;
// - absurd values are refused with the reason: counts must be finite, 0..1e12 (reposts 1e308
//   used to give "reposts +Infinityk/h"), dates within 1990..2099, publishedAt at most a day
//   after `at`, `at` at most a day after the monitor's clock (an incident with lastPostAt
//   9999-12-31 never calmed);
// - after an unexpected failure inside a batch the pipeline's memory is the database's again:
//   no alert for an incident or post the database does not hold, no incident id used twice;
// - the same bounds hold for replay input (line number, skipped) and for crawled observations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { crisisBatch, startLiveMonitor, type LiveMonitor } from './live-monitor.js';
import { runCli } from '../../src/cli/main.js';
import { readEnv } from '../../src/config/env.js';
import { crawlOnce } from '../../src/crawl/crawl-once.js';
import { defineAdapter } from '../../src/crawl/adapter.js';
import { z } from 'zod';

const T0 = new Date('2026-08-22T05:00:00Z');
let live: LiveMonitor;
beforeAll(async () => { live = await startLiveMonitor({ start: T0 }); }, 60_000);
afterAll(async () => { await live?.stop(); });

const deep = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
/** a JSON object text with `field` set to raw JSON text (JSON.stringify cannot build 6,000 levels) */
const withRaw = (o: Record<string, unknown>, field: string, raw: string) => `${JSON.stringify(o).slice(0, -1)},"${field}":${raw}}`;
const obs = (id: string, extra: Record<string, unknown> = {}) => ({ at: T0.toISOString(), source: 'weibo', kind: 'post', id, text: '星河乳业 新品 酸奶 好喝', ...extra });
const stored = (id: string) => live.m.db.prepare("SELECT count(*) FROM posts WHERE ext_id = ?").pluck().get(id) as number;
type Rejected = { index: number; item: string | null; error: string };

describe('deeply nested and oversized items', () => {
  it('one item nested 6,000 deep: 400 naming the item and why, nothing stored, the service healthy', async () => {
    const r = await live.ingest(`[${withRaw(obs('deep-1'), 'extra', deep(6000))}]`);
    expect(r.status, JSON.stringify(r.json)).toBe(400);
    const rej = r.json.rejected as Rejected[];
    expect(rej).toEqual([{ index: 0, item: 'weibo:deep-1', error: expect.stringMatching(/extra.*nested more than 8 levels deep/) }]);
    expect(String(r.json.error)).toMatch(/item 0 \(weibo:deep-1\)/);
    expect(stored('deep-1')).toBe(0);
    const h = await fetch(`${live.url}/healthz`);
    expect(h.status).toBe(200);
    expect(((await h.json()) as { status: string }).status).toBe('ok');
  });

  it('deep nesting anywhere (author, an unknown field, NDJSON) is refused the same way', async () => {
    const r = await live.ingest(`[${withRaw(obs('deep-2'), 'author', deep(6000))},${withRaw(obs('deep-3'), 'junk', deep(50))},${JSON.stringify(obs('fine-1'))}]`);
    expect(r.status).toBe(200);
    expect(r.json.accepted).toBe(1);
    expect((r.json.rejected as Rejected[]).map((x) => [x.index, x.item])).toEqual([[0, 'weibo:deep-2'], [1, 'weibo:deep-3']]);
    expect(stored('deep-2') + stored('deep-3')).toBe(0);
    expect(stored('fine-1')).toBe(1);
  });

  it('a valid item next to a deep one: no 500, the valid one stored, the bad one named', async () => {
    const r = await live.ingest(`[${JSON.stringify(crisisBatch(0, T0, 'https://m.weibo.cn/status/v1', 'v')[0])},${withRaw(obs('deep-4'), 'extra', deep(6000))}]`);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json.accepted).toBe(1);
    expect((r.json.rejected as Rejected[])[0]).toMatchObject({ index: 1, item: 'weibo:deep-4' });
    expect(stored('v1')).toBe(1);
  });

  it('oversized strings and too many values are refused with their size', async () => {
    const r = await live.ingest([obs('big-1', { text: '星'.repeat(250_000) }), obs('big-2', { extra: { list: Array.from({ length: 6000 }, (_, i) => i) } })]);
    expect(r.status).toBe(400);
    const rej = r.json.rejected as Rejected[];
    expect(rej[0].error).toMatch(/text.*250,000 characters, at most 200,000/);
    expect(rej[1].error).toMatch(/more than 5,000 values/);
  });
});

describe('absurd values', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['reposts 1e308', { metrics: { reposts: 1e308 } }, /metrics\.reposts.*1e\+308 is more than 1e\+12/],
    ['negative likes', { metrics: { likes: -5 } }, /metrics\.likes.*-5 is negative/],
    ['followers 2e13', { author: { id: 'a', followers: 2e13 } }, /author\.followers.*more than 1e\+12/],
    ['at in year 0001', { at: '0001-01-01T00:00:00Z' }, /'at'.*before 1990/],
    ['at in year 9999', { at: '9999-12-31T00:00:00Z' }, /'at'.*after 2099/],
    ['publishedAt in year 0001', { publishedAt: '0001-01-01T00:00:00Z' }, /publishedAt.*before 1990/],
    ['publishedAt 9999-12-31', { publishedAt: '9999-12-31T23:59:59Z' }, /publishedAt.*after 2099/],
    ['publishedAt two days after at', { publishedAt: '2026-08-24T06:00:00Z' }, /publishedAt.*more than a day after 'at'/],
    ['at a month after the monitor clock', { at: '2026-09-22T05:00:00Z' }, /'at'.*more than a day after the receiver's clock/],
    ['at not a date', { at: 'yesterday' }, /'at'.*not an ISO 8601 date/],
  ];
  it.each(cases)('%s: refused (400) naming the field and why; nothing stored', async (name, patch, why) => {
    const id = `absurd-${name.replace(/\W+/g, '-')}`;
    const r = await live.ingest([obs(id, patch)]);
    expect(r.status, JSON.stringify(r.json)).toBe(400);
    const rej = r.json.rejected as Rejected[];
    expect(rej).toHaveLength(1);
    expect(rej[0].item).toBe(`weibo:${id}`);
    expect(rej[0].error).toMatch(why);
    expect(stored(id)).toBe(0);
  });

  it('a crisis whose reposts jump to 1e308, or stamped in year 9999, raises no "Infinity" and no incident beyond the clock', async () => {
    const t = new Date(T0.getTime() + 60 * 60_000);
    live.clock.set(t);
    const [root] = crisisBatch(0, t, 'https://m.weibo.cn/status/inf1', 'inf', 1) as Record<string, unknown>[];
    expect((await live.ingest([root])).status).toBe(200);
    const later = new Date(t.getTime() + 5 * 60_000);
    live.clock.set(later);
    const jump = { ...root, at: later.toISOString(), metrics: { reposts: 1e308, comments: 10, likes: 10 } };
    const y9999 = { ...root, id: 'inf-echo', at: '9999-12-31T00:00:00Z', publishedAt: '9999-12-30T00:00:00Z' };
    const r = await live.ingest([jump, y9999]);
    expect(r.status).toBe(400);
    expect((r.json.rejected as Rejected[]).map((x) => x.index)).toEqual([0, 1]);
    live.m.pipeline!.evaluate(new Date(later.getTime() + 60_000));
    const reasons = (live.m.db.prepare('SELECT reasons FROM alerts').pluck().all() as string[]).join(' ');
    expect(reasons).not.toMatch(/Infinity|NaN/);
    const last = live.m.db.prepare('SELECT max(last_post_at) FROM incidents').pluck().get() as string | null;
    expect(Date.parse(last ?? '')).toBeLessThanOrEqual(later.getTime() + 86_400_000);
    expect(live.m.db.prepare("SELECT max(reposts) FROM posts WHERE ext_id = 'inf1'").pluck().get()).toBeLessThan(1e12);
  });
});

describe('after an unexpected failure inside a batch', () => {
  it('memory is rebuilt from the database: no alert for a rolled-back incident or post, no incident id reused', async () => {
    const { m } = live;
    const store = m.pipeline!.store;
    const upsert = store.upsert.bind(store);
    let armed = true;
    store.upsert = (o) => {
      if (armed && o.id === 'boom') { armed = false; throw new Error('disk I/O error (simulated)'); }
      return upsert(o);
    };
    const t1 = new Date(T0.getTime() + 3 * 3_600_000);
    live.clock.set(t1);
    const first = crisisBatch(0, t1, 'https://m.weibo.cn/status/x1', 'x', 1);
    const bad = await live.ingest([...first, obs('boom', { at: t1.toISOString() })]);
    expect(bad.status).toBe(500);
    expect(stored('x1')).toBe(0); // the batch rolled back in SQLite

    // the story goes on, and another one starts
    live.clock.set(new Date(t1.getTime() + 5 * 60_000));
    expect((await live.ingest(crisisBatch(5, t1, 'https://m.weibo.cn/status/x1', 'x', 1))).status).toBe(200);
    live.clock.set(new Date(t1.getTime() + 10 * 60_000));
    expect((await live.ingest(crisisBatch(0, live.clock.now(), 'https://m.weibo.cn/status/y1', 'y', 0).map((o) => ({ ...(o as object), text: '星河牛奶 工厂 爆炸 起火 工人 受伤 住院 官方 通报' })))).status).toBe(200);

    const alerts = m.db.prepare('SELECT id, incident_id, posts FROM alerts').all() as { id: number; incident_id: string; posts: string }[];
    expect(alerts.length).toBeGreaterThan(0);
    const postExists = m.db.prepare('SELECT 1 FROM posts WHERE source = ? AND ext_id = ?');
    const inIncident = m.db.prepare('SELECT 1 FROM incident_posts ip JOIN posts p ON p.pk = ip.post_pk WHERE ip.incident_id = ? AND p.source = ? AND p.ext_id = ?');
    for (const a of alerts) {
      expect(m.db.prepare('SELECT 1 FROM incidents WHERE id = ?').get(a.incident_id), `alert ${a.id}: incident ${a.incident_id} in the database`).toBeDefined();
      for (const key of JSON.parse(a.posts) as string[]) {
        const [source, ...rest] = key.split(':');
        expect(postExists.get(source, rest.join(':')), `alert ${a.id} names ${key}, which the database must hold`).toBeDefined();
        expect(inIncident.get(a.incident_id, source, rest.join(':')), `${key} is a post of ${a.incident_id}`).toBeDefined();
      }
    }
    // every incident the pipeline works on is the database's, under its own id
    const open = (m.pipeline as unknown as { open: Map<string, { id: string; topicId: string; members: { key: string }[] }> }).open;
    for (const [id, s] of open) {
      const row = m.db.prepare('SELECT topic_id FROM incidents WHERE id = ?').get(id) as { topic_id: string } | undefined;
      expect(row, `open incident ${id} in the database`).toBeDefined();
      expect(row!.topic_id).toBe(s.topicId);
      for (const mem of s.members) expect(inIncident.get(id, ...((k) => [k.split(':')[0], k.split(':').slice(1).join(':')])(mem.key)), `${mem.key} in ${id}`).toBeDefined();
    }
    expect(live.logs.some((l) => l.level === 'error' && /reloading the working state from the database/.test(l.msg))).toBe(true);
    store.upsert = upsert;
  });
});

describe('replay input and crawled observations get the same bounds', () => {
  it('replay reports absurd and deep lines with their line number and item, skips them, and runs the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-replay-bounds-'));
    const line = (o: Record<string, unknown>) => JSON.stringify(o);
    const lines = [
      line(obs('ok-1')),
      line(obs('inf-1', { metrics: { reposts: 1e308 } })),
      line(obs('y9999', { publishedAt: '9999-12-31T00:00:00Z' })),
      withRaw(obs('deep-r'), 'extra', deep(6000)),
      line(obs('ok-2', { at: new Date(T0.getTime() + 60_000).toISOString() })),
    ];
    writeFileSync(join(dir, 'in.jsonl'), lines.join('\n') + '\n');
    writeFileSync(join(dir, 'brand.yaml'), 'id: brand-x\nname: 星河乳业\nquery: 星河乳业\n');
    let err = '';
    const out = new Writable({ write(c, _e, cb) { cb(); } });
    const errS = new Writable({ write(c, _e, cb) { err += c.toString(); cb(); } });
    const code = await runCli(['replay', '--rules', dir, '--in', join(dir, 'in.jsonl'), '--out', join(dir, 'alerts.jsonl'), '--db', join(dir, 'r.db')], { stdout: out, stderr: errS, env: readEnv({}) });
    expect(code, err).toBe(0);
    expect(err).toMatch(/line 2: field 'metrics\.reposts': 1e\+308 is more than 1e\+12.*\(item weibo:inf-1\).*skipped/);
    expect(err).toMatch(/line 3: field 'publishedAt': 9999-12-31T00:00:00Z is after 2099.*\(item weibo:y9999\).*skipped/);
    expect(err).toMatch(/line 4: field 'extra[.a]*': nested more than 8 levels deep.*\(item weibo:deep-r\).*skipped/);
    expect(err).toMatch(/3 malformed lines skipped/);
    expect(readFileSync(join(dir, 'alerts.jsonl'), 'utf8')).not.toMatch(/Infinity/);
    const { openDb } = await import('../../src/db/connection.js');
    const db = openDb(join(dir, 'r.db'));
    expect(db.prepare('SELECT ext_id FROM posts ORDER BY ext_id').pluck().all()).toEqual(['ok-1', 'ok-2']);
    db.close();
  });

  it('a crawled observation out of bounds is skipped and reported as a parse error; the rest are kept', async () => {
    const adapter = defineAdapter({
      id: 'fake', description: 'test', params: z.object({}), example: 'http://example.test/', features: { requireConfig: [] },
      parse: () => ({ observations: [
        { at: '', source: 'fake', kind: 'post', id: 'good', text: 'ok', publishedAt: '2026-08-22T04:00:00Z', metrics: { reposts: 3 } },
        { at: '', source: 'fake', kind: 'post', id: 'inf', text: 'x', metrics: { reposts: Number.POSITIVE_INFINITY } },
        { at: '', source: 'fake', kind: 'post', id: 'future', text: 'x', publishedAt: '9999-12-31T00:00:00Z' },
      ] }),
    });
    const fetcher = { fetchPage: async (req: { url: string }) => ({ request: req, url: req.url, status: 200, contentType: 'text/html', text: '<p>x</p>', charset: 'utf-8' }) };
    const res = await crawlOnce({ adapter, url: 'http://example.test/', now: T0, fetcher });
    expect(res.observations.map((o) => o.id)).toEqual(['good']);
    expect(res.errors.map((e) => e.error.name)).toEqual(['ParseError', 'ParseError']);
    expect(res.errors[0].error.message).toMatch(/metrics\.reposts.*Infinity is not a finite number.*fake:inf/);
    expect(res.errors[1].error.message).toMatch(/publishedAt.*after 2099.*fake:future/);
  });
});
