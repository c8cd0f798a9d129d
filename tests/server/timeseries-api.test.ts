// The overview's time series (src/server/timeseries.ts, GET /api/v1/overview): bucket choice per
// range, zone-aligned buckets (a day starts at local midnight, also across a DST change), request
// validation (400 naming the parameter), previous-period KPI arithmetic, share of voice sums, exact
// counts across partial hours, the aggregates of migration 009 kept by triggers, index use, and the
// incident chart's series from metric snapshots.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import {
  bucketCount, bucketFloor, bucketIntervals, chooseBucket, incidentSeries, kpi, negativeShare, overviewSeries, parseRange, parseTimeParam,
  previousPeriod, resolveBucket, shareOfVoice, splitByHour, TimeseriesInputError, MAX_BUCKETS,
} from '../../src/server/timeseries.js';
import { SERIES_SQL } from '../../src/db/store/read-models.js';
import { startTestApp, seed, NOW, type TestApp } from './fixtures.js';

const SH = 'Asia/Shanghai';
const H = 3_600_000, D = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('bucket choice per range', () => {
  const pick = (range: string) => { const r = parseRange({ range }, NOW, SH); return { bucket: resolveBucket(undefined, r, SH), n: bucketIntervals(r.from.getTime(), r.to.getTime(), resolveBucket(undefined, r, SH), SH).length }; };

  it('follows the range: 15 min and 1 h by the minute, 6 h by 5 min, 24 h by 15 min, 7 d by the hour, 30 d by the day', () => {
    expect(pick('15m')).toEqual({ bucket: '1m', n: 15 });
    expect(pick('1h')).toEqual({ bucket: '1m', n: 60 });
    expect(pick('6h')).toEqual({ bucket: '5m', n: 72 });
    expect(pick('24h')).toEqual({ bucket: '15m', n: 96 });
    expect(pick('7d')).toEqual({ bucket: '1h', n: 168 });
    expect(pick('30d').bucket).toBe('1d');
    expect(pick('30d').n).toBe(31); // NOW is 16:00 in Shanghai: the first day is counted from 16:00
  });

  it('custom ranges land between ~30 and 180 buckets where a bucket allows it', () => {
    for (const [len, want] of [[2 * H, '1m'], [3 * H, '1m'], [12 * H, '5m'], [2 * D, '1h'], [3 * D, '1h'], [90 * D, '1d'], [365 * D, '1d']] as const) {
      const from = NOW.getTime() - len;
      const b = chooseBucket(from, NOW.getTime(), SH);
      expect(b, `${len / H} h`).toBe(want);
      const n = bucketCount(from, NOW.getTime(), b, SH);
      expect(n).toBeLessThanOrEqual(want === '1d' ? MAX_BUCKETS : 180);
      if (len >= 12 * H && want !== '1d') expect(n).toBeGreaterThanOrEqual(30);
    }
  });

  it('keeps a bucket that was asked for, and refuses one that would give more than 500 buckets', () => {
    const r = parseRange({ range: '24h' }, NOW, SH);
    expect(resolveBucket('1h', r, SH)).toBe('1h');
    expect(resolveBucket('hour', r, SH)).toBe('1h');
    expect(resolveBucket('auto', r, SH)).toBe('15m');
    expect(resolveBucket('5m', r, SH)).toBe('5m'); // 288
    expect(() => resolveBucket('1m', r, SH)).toThrow(/1440 buckets of 1m in this range; at most 500/);
    expect(() => resolveBucket('1m', parseRange({ range: '30d' }, NOW, SH), SH)).toThrow(TimeseriesInputError);
    expect(() => resolveBucket('2m', r, SH)).toThrow(/bucket '2m' is not one of 1m, 5m, 15m, 1h, 1d/);
    // a year and a half of days is too many for any bucket
    expect(() => resolveBucket(undefined, { from: new Date(NOW.getTime() - 600 * D), to: NOW, range: null }, SH)).toThrow(/choose a shorter range/);
  });
});

describe('buckets on the zone clock', () => {
  it('day buckets start at midnight in Asia/Shanghai (16:00 UTC)', () => {
    const iv = bucketIntervals(Date.parse('2026-08-19T00:00:00Z'), Date.parse('2026-08-22T08:00:00Z'), '1d', SH);
    expect(iv.map(([s]) => iso(s))).toEqual(['2026-08-18T16:00:00.000Z', '2026-08-19T16:00:00.000Z', '2026-08-20T16:00:00.000Z', '2026-08-21T16:00:00.000Z']);
    // the first and the last bucket are clipped to the range
    expect(iso(iv[0][1])).toBe('2026-08-19T00:00:00.000Z');
    expect(iso(iv[3][2])).toBe('2026-08-22T08:00:00.000Z');
  });

  it('hour buckets follow the zone too (Asia/Kolkata is UTC+5:30)', () => {
    expect(iso(bucketFloor(Date.parse('2026-08-22T08:10:00Z'), '1h', 'Asia/Kolkata'))).toBe('2026-08-22T07:30:00.000Z');
    expect(iso(bucketFloor(Date.parse('2026-08-22T08:10:00Z'), '1h', SH))).toBe('2026-08-22T08:00:00.000Z');
    expect(iso(bucketFloor(Date.parse('2026-08-22T08:10:00Z'), '15m', SH))).toBe('2026-08-22T08:00:00.000Z');
  });

  it('a local day across a DST change is 23 or 25 hours (America/New_York)', () => {
    const ny = 'America/New_York';
    const spring = bucketIntervals(Date.parse('2026-03-07T12:00:00Z'), Date.parse('2026-03-10T12:00:00Z'), '1d', ny);
    expect(spring.map(([s]) => iso(s))).toEqual(['2026-03-07T05:00:00.000Z', '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z', '2026-03-10T04:00:00.000Z']);
    const autumn = bucketIntervals(Date.parse('2026-10-31T12:00:00Z'), Date.parse('2026-11-02T12:00:00Z'), '1d', ny);
    expect(autumn[2][0] - autumn[1][0]).toBe(25 * H);
  });

  it('reads from/to as ISO times, wall-clock times of the zone, days (to: inclusive) or epoch ms', () => {
    expect(iso(parseTimeParam('2026-08-22T16:00', 'from', SH).getTime())).toBe('2026-08-22T08:00:00.000Z');
    expect(iso(parseTimeParam('2026-08-22T08:00:00Z', 'from', SH).getTime())).toBe('2026-08-22T08:00:00.000Z');
    expect(iso(parseTimeParam('2026-08-22T16:00+08:00', 'from', SH).getTime())).toBe('2026-08-22T08:00:00.000Z');
    expect(iso(parseTimeParam('2026-08-22', 'from', SH).getTime())).toBe('2026-08-21T16:00:00.000Z');
    expect(iso(parseTimeParam('2026-08-22', 'to', SH).getTime())).toBe('2026-08-22T16:00:00.000Z');
    expect(iso(parseTimeParam('1787385600000', 'to', SH).getTime())).toBe(iso(1787385600000));
    expect(() => parseTimeParam('2026-02-30', 'from', SH)).toThrow(/from '2026-02-30' is not a time/);
    expect(() => parseTimeParam('yesterday', 'to', SH)).toThrow(TimeseriesInputError);
  });
});

describe('KPI arithmetic and share of voice', () => {
  it('the previous period is the same length right before', () => {
    const p = previousPeriod(new Date('2026-08-21T08:00:00Z'), new Date('2026-08-22T08:00:00Z'));
    expect([p.from.toISOString(), p.to.toISOString()]).toEqual(['2026-08-20T08:00:00.000Z', '2026-08-21T08:00:00.000Z']);
  });

  it('a KPI carries the change and the relative change (none against 0 or nothing)', () => {
    expect(kpi(120, 100)).toEqual({ current: 120, previous: 100, change: 20, changeRatio: 0.2 });
    expect(kpi(80, 100)).toEqual({ current: 80, previous: 100, change: -20, changeRatio: -0.2 });
    expect(kpi(5, 0)).toEqual({ current: 5, previous: 0, change: 5, changeRatio: null });
    expect(kpi(0.5, null)).toEqual({ current: 0.5, previous: null, change: null, changeRatio: null });
    expect(negativeShare(30, 120)).toBe(0.25);
    expect(negativeShare(0, 0)).toBeNull();
  });

  it('shares sum to 1 in every bucket with mentions, and over the range', () => {
    const sov = shareOfVoice({ a: [3, 0, 1, 0], b: [1, 0, 1, 0], c: [0, 0, 2, 0] }, 4);
    for (let i = 0; i < 4; i++) {
      const s = sov.perBucket.a[i] + sov.perBucket.b[i] + sov.perBucket.c[i];
      expect(s).toBeCloseTo(i === 1 || i === 3 ? 0 : 1, 10);
    }
    expect(sov.perBucket.a[0]).toBe(0.75);
    expect(sov.totals).toEqual([{ topic: 'a', n: 4, share: 0.5 }, { topic: 'b', n: 2, share: 0.25 }, { topic: 'c', n: 2, share: 0.25 }]);
  });

  it('splits intervals into whole hours, whole 5 minutes and the raw rest', () => {
    const s = Date.parse('2026-08-22T05:07:30Z'), e = Date.parse('2026-08-22T07:12:00Z');
    expect(splitByHour([[s, e]], true)).toEqual({
      hourly: [[0, '2026-08-22T06', '2026-08-22T07']],
      five: [[0, '2026-08-22T05:10', '2026-08-22T06:00'], [0, '2026-08-22T07:00', '2026-08-22T07:10']],
      raw: [[0, '2026-08-22T05:07:30.000Z', '2026-08-22T05:10:00.000Z'], [0, '2026-08-22T07:10:00.000Z', '2026-08-22T07:12:00.000Z']],
    });
  });
});

describe('series from the database', () => {
  let db: Db;
  beforeAll(() => {
    db = openDb(':memory:');
    seed(db);
    // a competitor topic with a few matches, for share of voice
    db.prepare("INSERT INTO topic_matches (topic_id, post_pk, matched_at) SELECT 'brand-y', pk, first_seen_at FROM posts WHERE pk % 4 = 0").run();
  });
  afterAll(() => db.close());

  const direct = (from: number, to: number) => db.prepare("SELECT count(*) FROM posts WHERE kind != 'trend' AND first_seen_at >= ? AND first_seen_at < ?").pluck().get(iso(from), iso(to)) as number;

  it('counts exactly what lies in the range, partial hours and 5 minutes included', () => {
    for (const [from, to, bucket] of [
      [Date.parse('2026-08-21T03:07:00Z'), Date.parse('2026-08-22T06:53:00Z'), '1h'],
      [Date.parse('2026-08-21T03:07:00Z'), Date.parse('2026-08-22T06:53:00Z'), '15m'],
      [Date.parse('2026-08-20T23:59:00Z'), Date.parse('2026-08-22T08:00:00Z'), '1d'],
      [Date.parse('2026-08-22T05:03:00Z'), Date.parse('2026-08-22T07:58:00Z'), '1m'],
    ] as const) {
      const s = overviewSeries(db, { from: new Date(from), to: new Date(to), range: null }, bucket, SH);
      expect(s.totals.posts, bucket).toBe(direct(from, to));
      const perBucket = s.buckets.map((_, i) => Object.values(s.volume).reduce((a, xs) => a + xs[i], 0));
      expect(perBucket.reduce((a, b) => a + b, 0)).toBe(s.totals.posts);
      // the sentiment series add up to the same
      expect(Object.values(s.sentiment).reduce((a, xs) => a + xs.reduce((x, y) => x + y, 0), 0)).toBe(s.totals.posts);
    }
  });

  it('compares the KPIs with the previous period of the same length', () => {
    const r = parseRange({ range: '24h' }, NOW, SH);
    const s = overviewSeries(db, r, '15m', SH);
    const prevFrom = NOW.getTime() - 2 * D, prevTo = NOW.getTime() - D;
    expect(s.previous).toEqual({ from: iso(prevFrom), to: iso(prevTo) });
    expect(s.kpis.posts).toEqual(kpi(direct(NOW.getTime() - D, NOW.getTime()), direct(prevFrom, prevTo)));
    const neg = (a: number, b: number) => db.prepare("SELECT count(*) FROM posts WHERE sentiment_label = 'negative' AND first_seen_at >= ? AND first_seen_at < ?").pluck().get(iso(a), iso(b)) as number;
    expect(s.kpis.negativeShare.current).toBeCloseTo(neg(NOW.getTime() - D, NOW.getTime()) / direct(NOW.getTime() - D, NOW.getTime()), 12);
    expect(s.kpis.negativeShare.previous).toBeCloseTo(neg(prevFrom, prevTo) / direct(prevFrom, prevTo), 12);
    // the seeded incidents opened 36 h ago and alerted 35 h ago (P1 and P2 count, P3 does not)
    expect(s.kpis.incidents).toEqual(kpi(0, 3));
    expect(s.kpis.alertsP1P2).toEqual(kpi(0, 2));
  });

  it('share of voice per bucket sums to 100% where there are mentions; totals by topic', () => {
    const s = overviewSeries(db, parseRange({ range: '24h' }, NOW, SH), '1h', SH);
    const ids = Object.keys(s.shareOfVoice.perBucket);
    expect(ids.sort()).toEqual(['brand-x', 'brand-y']);
    for (let i = 0; i < s.buckets.length; i++) {
      const any = ids.some((id) => s.mentions[id][i] > 0);
      expect(ids.reduce((a, id) => a + s.shareOfVoice.perBucket[id][i], 0)).toBeCloseTo(any ? 1 : 0, 10);
    }
    const t = s.shareOfVoice.totals;
    expect(t.map((x) => x.name)).toEqual(['星河乳业', '云顶手机']);
    expect(t[0].share + t[1].share).toBeCloseTo(1, 10);
    expect(t[0].n).toBe(db.prepare("SELECT count(*) FROM topic_matches WHERE topic_id = 'brand-x' AND matched_at >= ? AND matched_at < ?").pluck().get(iso(NOW.getTime() - D), iso(NOW.getTime())));
  });

  it('risk per topic is the highest in each bucket, null where none was recorded', () => {
    const s = overviewSeries(db, parseRange({ range: '6h' }, NOW, SH), '1h', SH);
    expect(s.buckets.length).toBe(6);
    // the seed records each incident's risk once an hour, climbing 1.5 an hour to 86 at NOW (the end, not in the range)
    expect(s.risk['brand-x']).toEqual([77, 78.5, 80, 81.5, 83, 84.5]);
    const fine = overviewSeries(db, parseRange({ range: '1h' }, NOW, SH), '1m', SH);
    expect(fine.risk['brand-x'].filter((x) => x != null)).toEqual([84.5]);
    expect(fine.risk['brand-x'][0]).toBe(84.5); // at 07:00, the first minute
  });

  it('keeps the aggregates current through triggers (migration 009)', () => {
    const at = '2026-08-22T07:31:12.000Z';
    const pk = Number(db.prepare("INSERT INTO posts (source, ext_id, kind, first_seen_at, last_seen_at, sentiment_label) VALUES ('weibo', 'agg1', 'post', ?, ?, 'neutral')").run(at, at).lastInsertRowid);
    expect(db.prepare("SELECT n FROM post_5min WHERE bucket = '2026-08-22T07:30' AND source = 'weibo' AND label = 'neutral'").pluck().get()).toBe(1);
    db.prepare("UPDATE posts SET sentiment_corrected = 'negative' WHERE pk = ?").run(pk);
    expect(db.prepare("SELECT n FROM post_5min WHERE bucket = '2026-08-22T07:30' AND source = 'weibo' AND label = 'neutral'").pluck().get()).toBe(0);
    const trend = "INSERT INTO posts (source, ext_id, kind, first_seen_at, last_seen_at) VALUES ('weibo-hot', 't1', 'trend', ?, ?)";
    const before = db.prepare('SELECT sum(n) FROM post_5min').pluck().get();
    db.prepare(trend).run(at, at);
    expect(db.prepare('SELECT sum(n) FROM post_5min').pluck().get()).toBe(before); // trends are not posts
    db.prepare("INSERT INTO topic_matches (topic_id, post_pk, matched_at) VALUES ('brand-y', ?, ?)").run(pk, at);
    db.prepare("INSERT OR IGNORE INTO topic_matches (topic_id, post_pk, matched_at) VALUES ('brand-y', ?, ?)").run(pk, at); // ignored: counted once
    const th = () => db.prepare("SELECT n FROM topic_hourly WHERE bucket = '2026-08-22T07' AND topic_id = 'brand-y'").pluck().get() as number;
    const n = th();
    expect(n).toBe(db.prepare("SELECT count(*) FROM topic_matches WHERE topic_id = 'brand-y' AND substr(matched_at, 1, 13) = '2026-08-22T07'").pluck().get());
    db.prepare('INSERT INTO risk_history (at, topic_id, incident_id, risk) VALUES (?, ?, NULL, ?)').run(at, 'brand-y', 40);
    db.prepare('INSERT INTO risk_history (at, topic_id, incident_id, risk) VALUES (?, ?, NULL, ?)').run(at, 'brand-y', 12);
    expect(db.prepare("SELECT risk FROM risk_hourly WHERE bucket = '2026-08-22T07' AND topic_id = 'brand-y'").pluck().get()).toBe(40);
    db.prepare('DELETE FROM posts WHERE pk = ?').run(pk); // the match goes with it
    expect(th()).toBe(n - 1);
  });

  it.skipIf(!!process.env.FLAREWATCH_TEST_PG_MIRROR)('reads every series through an index, never a whole table', () => {
    for (const [name, sql] of Object.entries(SERIES_SQL)) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('[]') as { detail: string }[]).map((r) => r.detail);
      expect(plan.filter((d) => /^SCAN (?!b\b)(?!t USING COVERING INDEX)/.test(d)), `${name}: ${plan.join(' | ')}`).toEqual([]);
      expect(plan.some((d) => /^SEARCH .* USING .*(INDEX|PRIMARY KEY)/.test(d)), name).toBe(true);
    }
  });

  it('the incident series counts posts per bucket and reposts gained from snapshots', () => {
    const id = 'inc-2';
    const pks = db.prepare('SELECT post_pk FROM incident_posts WHERE incident_id = ? ORDER BY post_pk').pluck().all(id) as number[];
    const target = pks[pks.length - 1];
    const p = db.prepare('SELECT first_seen_at, reposts FROM posts WHERE pk = ?').get(target) as { first_seen_at: string; reposts: number };
    const t0 = Date.parse(p.first_seen_at);
    // the post was seen three times: 10, 40, then its current count
    for (const [dt, r] of [[0, 10], [20 * 60_000, 40], [50 * 60_000, p.reposts]]) db.prepare('INSERT INTO post_snapshots (post_pk, at, reposts) VALUES (?, ?, ?)').run(target, iso(t0 + dt), r);
    const s = incidentSeries(db, id, SH);
    const total = db.prepare('SELECT sum(p.reposts) FROM incident_posts ip JOIN posts p ON p.pk = ip.post_pk WHERE ip.incident_id = ?').pluck().get(id);
    expect(s.volume.reduce((a, v) => a + v.reposts, 0)).toBe(total);
    expect(s.volume.reduce((a, v) => a + v.posts, 0)).toBe(pks.length);
    expect(s.bucket).toBe('5m'); // 40 posts 12 min apart: ~8 h, at most 120 buckets
    const b = (ms: number) => s.volume.find((v) => Date.parse(v.bucket) <= ms && ms < Date.parse(v.bucket) + 300_000)!;
    expect(b(t0 + 20 * 60_000).reposts).toBeGreaterThanOrEqual(30); // the 30 gained by the second snapshot
    // buckets are dense and in order
    for (let i = 1; i < s.volume.length; i++) expect(Date.parse(s.volume[i].bucket) - Date.parse(s.volume[i - 1].bucket)).toBe(300_000);
  });
});

describe('GET /api/v1/overview', () => {
  let app: TestApp;
  let cookie: string;
  beforeAll(async () => { app = await startTestApp(); cookie = (await app.login('viewer')).cookie; });
  afterAll(async () => { await app?.close(); });
  const get = async (q: string) => {
    const r = await fetch(`${app.url}/api/v1/overview${q}`, { headers: { cookie } });
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };

  it('keeps the old defaults: the last 24 h with the old fields', async () => {
    const { status, body } = await get('');
    expect(status).toBe(200);
    expect(body.hours).toBe(24);
    expect(body.since).toBe(new Date(app.deps.now().getTime() - 86_400_000).toISOString()); // (each login moves the test clock 1 ms)
    expect(body.bucket).toBe('15m');
    expect(body.buckets.length).toBeGreaterThanOrEqual(96);
    expect(body.buckets.length).toBeLessThanOrEqual(97);
    expect(body.timeZone).toBe('Asia/Shanghai');
    expect(body.totals.posts).toBe(body.volume.reduce((a: number, v: { n: number }) => a + v.n, 0));
    expect(body.totals.negative).toBe(body.sentiment.find((x: { label: string }) => x.label === 'negative').n);
    expect(body.volume[0]).toEqual({ bucket: expect.stringMatching(/^2026-08-2\dT\d\d:\d\d:00\.000Z$/), source: expect.any(String), n: expect.any(Number) });
    expect(body.risk[0]).toEqual({ bucket: expect.any(String), topic: 'brand-x', risk: expect.any(Number) });
    expect(body.topIncidents.map((i: { id: string }) => i.id)).toEqual(['inc-1', 'inc-2', 'inc-3']);
    expect(Object.keys(body.kpis)).toEqual(['posts', 'negativeShare', 'incidents', 'alertsP1P2']);
    // the old hours=168 still answers, now by the hour
    const week = await get('?hours=168');
    expect([week.status, week.body.bucket, week.body.range]).toEqual([200, '1h', '7d']);
  });

  it('takes range, from/to and bucket', async () => {
    const hour = await get('?range=1h');
    expect([hour.body.bucket, hour.body.range]).toEqual(['1m', '1h']);
    expect(hour.body.buckets.length).toBe(app.deps.now().getTime() % 60_000 === 0 ? 60 : 61);
    const month = await get('?range=30d');
    expect(month.body.bucket).toBe('1d');
    expect(month.body.buckets[1]).toMatch(/T16:00:00\.000Z$/); // midnight in Shanghai
    const custom = await get(`?from=${encodeURIComponent('2026-08-21T16:00')}&to=${encodeURIComponent('2026-08-22T16:00')}&bucket=1h`);
    expect([custom.status, custom.body.from, custom.body.to, custom.body.range, custom.body.buckets.length]).toEqual([200, '2026-08-21T08:00:00.000Z', '2026-08-22T08:00:00.000Z', null, 24]);
    expect(custom.body.series.volume).toBeTypeOf('object');
  });

  it('answers 400 naming what is wrong', async () => {
    const cases: [string, RegExp][] = [
      ['?from=2026-08-22T08:00:00Z&to=2026-08-21T08:00:00Z', /from \(2026-08-22T08:00:00.000Z\) is after to/],
      ['?from=2026-08-22T08:00:00Z&to=2026-08-22T08:00:00Z', /range is empty/],
      ['?range=30d&bucket=1m', /buckets of 1m in this range; at most 500/],
      ['?range=24h&bucket=1m', /1440 buckets of 1m in this range; at most 500/],
      ['?range=2h', /range '2h' is not one of 15m, 1h, 6h, 24h, 7d, 30d/],
      ['?bucket=week', /bucket 'week' is not one of/],
      ['?from=soon', /from 'soon' is not a time/],
      ['?range=1h&from=2026-08-22', /either range or from\/to/],
    ];
    for (const [q, msg] of cases) {
      const { status, body } = await get(q);
      expect(status, q).toBe(400);
      expect(body.error, q).toMatch(msg);
      expect(body.hint, q).toBeTruthy();
    }
  });

  it('is also served as /timeseries, to viewers and tokens only', async () => {
    const r = await fetch(`${app.url}/api/v1/timeseries?range=6h`, { headers: { cookie } });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { bucket: string }).bucket).toBe('5m');
    expect((await fetch(`${app.url}/api/v1/timeseries?range=6h`)).status).toBe(401);
  });

  it('the incident detail names its volume bucket and zone', async () => {
    const r = await fetch(`${app.url}/api/v1/incidents/inc-1`, { headers: { cookie } });
    const body = (await r.json()) as { volumeBucket: string; timeZone: string; volume: { bucket: string; posts: number; reposts: number }[] };
    expect(body.volumeBucket).toBe('1h'); // inc-1's posts span two days
    expect(body.timeZone).toBe('Asia/Shanghai');
    expect(body.volume.reduce((a, v) => a + v.posts, 0)).toBe(61);
  });
});
