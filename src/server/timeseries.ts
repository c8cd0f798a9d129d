// The dashboard's time series: the time range asked for (last 1 h … 30 d, or from/to), bucket sizes
// that follow it (1, 5 or 15 min, hour, day: about 30-180 buckets) with boundaries on the clock of
// FLAREWATCH_TZ, and what the overview draws in it: posts by source and sentiment, risk by topic,
// share of voice across watched topics, and KPIs against the previous period of the same length.
// Also the incident chart's series (posts and reposts gained per bucket, from metric snapshots).
//
// The work is bounded: at most MAX_BUCKETS buckets, and every count is an index range scan per
// bucket. Whole hours come from hourly aggregates (post_hourly, migration 004; topic_hourly and
// risk_hourly, 009); only sub-hour buckets and the partial hours at a range's ends read the rows
// (posts through the covering posts_first_seen, risk_history_at, topic_matches by topic and time).
// Pure helpers first; the clock and the zone are passed in. The queries are the store's
// (src/db/store/read-models.ts: SERIES_SQL and the incident series).
import type { Db } from '../db/connection.js';
import { storeOf } from '../db/store/index.js';
import { UserError } from '../core/errors.js';
import { zoneOffsetMinutes } from '../report/date-range.js';

export const BUCKET_MS = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '1d': 86_400_000 } as const;
export type BucketId = keyof typeof BUCKET_MS;
export const BUCKET_IDS = Object.keys(BUCKET_MS) as BucketId[];
const BUCKET_ALIASES: Record<string, BucketId> = {
  minute: '1m', '1min': '1m', '5min': '5m', '15min': '15m', hour: '1h', '60m': '1h', day: '1d', '24h': '1d',
};

/** The picker's relative ranges (ending now); 15 min is for watching a crisis unfold minute by minute. */
export const RANGE_MS = { '15m': 900_000, '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export type RangeId = keyof typeof RANGE_MS;
export const RANGE_IDS = Object.keys(RANGE_MS) as RangeId[];

/** No chart gets more buckets than this, whatever is asked. */
export const MAX_BUCKETS = 500;
/** The automatic bucket is the finest one giving at most this many (1 h → 1 min, 24 h → 15 min, 7 d → hour, 30 d → day). */
export const AUTO_MAX_BUCKETS = 180;
/** A range ending now is its length back from now; without anything, the last 24 hours. */
export const DEFAULT_RANGE: RangeId = '24h';

/** A bad range, bucket or time in the request: answered 400 with the parameter and a hint. */
export class TimeseriesInputError extends UserError {
  override name = 'TimeseriesInputError';
  constructor(readonly param: string, message: string, hint?: string) { super(message, hint); }
}

export interface TimeRange {
  /** inclusive start */
  from: Date;
  /** exclusive end */
  to: Date;
  /** the relative range ('6h'...) or null for a custom from/to */
  range: RangeId | null;
}

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;
const ZONED_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** The instant a wall-clock time in `zone` names (two passes settle a DST change in between). */
export function wallTimeToUtc(y: number, mo: number, d: number, hh: number, mm: number, ss: number, zone: string): number {
  const guess = Date.UTC(y, mo - 1, d, hh, mm, ss);
  let t = guess - zoneOffsetMinutes(zone, new Date(guess)) * 60_000;
  t = guess - zoneOffsetMinutes(zone, new Date(t)) * 60_000;
  return t;
}

/**
 * One `from`/`to` value: an ISO time with a zone (2026-08-22T08:00:00Z, …+08:00), a wall-clock
 * time in `zone` (2026-08-22T16:00, what a datetime-local input sends), a calendar day in `zone`
 * (a bare `to` day is inclusive: its end), or epoch milliseconds.
 */
export function parseTimeParam(value: string, param: 'from' | 'to', zone: string): Date {
  const v = value.trim();
  if (/^\d{10,14}$/.test(v)) return new Date(Number(v));
  if (ZONED_TIME.test(v)) {
    const t = Date.parse(v.replace(' ', 'T'));
    if (Number.isFinite(t)) return new Date(t);
  }
  const m = WALL_TIME.exec(v);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const hh = m[4] ? Number(m[4]) : 0, mm = m[5] ? Number(m[5]) : 0, ss = m[6] ? Number(m[6]) : 0;
    const probe = new Date(Date.UTC(y, mo - 1, d, hh, mm, ss));
    if (probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d && hh < 24 && mm < 60 && ss < 60) {
      if (!m[4] && param === 'to') return new Date(wallTimeToUtc(y, mo, d + 1, 0, 0, 0, zone)); // Date.UTC rolls the day over
      return new Date(wallTimeToUtc(y, mo, d, hh, mm, ss, zone));
    }
  }
  throw new TimeseriesInputError(param, `${param} '${truncate(v)}' is not a time`,
    `use an ISO time such as 2026-08-22T08:00:00Z or 2026-08-22T16:00 (${zone}), or a day such as 2026-08-22`);
}

const truncate = (s: string) => (s.length > 40 ? `${s.slice(0, 39)}…` : s);

/**
 * The range of a request: `range` (15m, 1h, 6h, 24h, 7d, 30d) ending now; or `from`/`to` (either may be
 * left out: `to` defaults to now, `from` to 24 h before `to`); or the old `hours=N`; else the last 24 h.
 */
export function parseRange(q: { range?: unknown; from?: unknown; to?: unknown; hours?: unknown }, now: Date, zone: string): TimeRange {
  const s = (v: unknown) => (typeof v === 'string' && v.trim() ? v : undefined);
  const from = s(q.from), to = s(q.to), range = s(q.range);
  if (from || to) {
    if (range) throw new TimeseriesInputError('range', 'give either range or from/to, not both', 'range=6h is the last six hours; from/to name a custom range');
    const end = to ? parseTimeParam(to, 'to', zone) : now;
    const start = from ? parseTimeParam(from, 'from', zone) : new Date(end.getTime() - RANGE_MS[DEFAULT_RANGE]);
    if (start.getTime() > end.getTime()) throw new TimeseriesInputError('from', `from (${start.toISOString()}) is after to (${end.toISOString()})`, 'swap from and to');
    if (start.getTime() === end.getTime()) throw new TimeseriesInputError('to', 'from and to are the same time: the range is empty', 'make to later than from');
    return { from: start, to: end, range: null };
  }
  if (range) {
    if (!(range in RANGE_MS)) throw new TimeseriesInputError('range', `range '${truncate(range)}' is not one of ${RANGE_IDS.join(', ')}`, 'or give from and to for a custom range');
    const id = range as RangeId;
    return { from: new Date(now.getTime() - RANGE_MS[id]), to: now, range: id };
  }
  if (q.hours !== undefined && q.hours !== '') {
    const n = Number(q.hours);
    const hours = Number.isFinite(n) && n > 0 ? Math.min(Math.floor(n), 24 * 31) : 24; // as before: 1..744, anything else 24
    const id = RANGE_IDS.find((r) => RANGE_MS[r] === hours * 3_600_000) ?? null;
    return { from: new Date(now.getTime() - hours * 3_600_000), to: now, range: id };
  }
  return { from: new Date(now.getTime() - RANGE_MS[DEFAULT_RANGE]), to: now, range: DEFAULT_RANGE };
}

/** Start of the bucket holding `t`, on the wall clock of `zone` (a day starts at local midnight). */
export function bucketFloor(t: number, bucket: BucketId, zone: string): number {
  const size = BUCKET_MS[bucket];
  const local = t + zoneOffsetMinutes(zone, new Date(t)) * 60_000;
  const flooredLocal = Math.floor(local / size) * size;
  const d = new Date(flooredLocal);
  const start = wallTimeToUtc(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), 0, zone);
  return start > t ? start - size : start; // a DST gap can push the wall time past t
}

/** The next bucket boundary after the bucket starting at `start` (a local day may be 23 or 25 h). */
function nextBoundary(start: number, bucket: BucketId, zone: string): number {
  if (bucket !== '1d') return start + BUCKET_MS[bucket];
  const local = new Date(start + zoneOffsetMinutes(zone, new Date(start)) * 60_000);
  const next = wallTimeToUtc(local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate() + 1, 0, 0, 0, zone);
  return next > start ? next : start + BUCKET_MS['1d'];
}

/** Buckets of the range [from, to): [bucket start, clipped from, clipped to] in ms. Stops after `limit` + 1. */
export function bucketIntervals(from: number, to: number, bucket: BucketId, zone: string, limit = MAX_BUCKETS): [number, number, number][] {
  const out: [number, number, number][] = [];
  let start = bucketFloor(from, bucket, zone);
  while (start < to && out.length <= limit) {
    const next = nextBoundary(start, bucket, zone);
    out.push([start, Math.max(start, from), Math.min(next, to)]);
    start = next;
  }
  return out;
}

/** How many buckets of `bucket` the range needs (a cheap estimate first, so a year of minutes is not walked). */
export function bucketCount(from: number, to: number, bucket: BucketId, zone: string): number {
  const estimate = Math.ceil((to - from) / BUCKET_MS[bucket]);
  if (estimate > MAX_BUCKETS * 2) return estimate;
  return bucketIntervals(from, to, bucket, zone, MAX_BUCKETS * 2).length;
}

/** The finest bucket giving at most AUTO_MAX_BUCKETS buckets (the coarsest, day, when none does). */
export function chooseBucket(from: number, to: number, zone: string, max = AUTO_MAX_BUCKETS): BucketId {
  for (const b of BUCKET_IDS) if (bucketCount(from, to, b, zone) <= max) return b;
  return '1d';
}

/** The bucket asked for (validated) or the automatic one; either way at most MAX_BUCKETS buckets. */
export function resolveBucket(param: unknown, r: TimeRange, zone: string): BucketId {
  const raw = typeof param === 'string' && param.trim() && param !== 'auto' ? param.trim() : null;
  let bucket: BucketId;
  if (raw) {
    const id = (raw in BUCKET_MS ? raw : BUCKET_ALIASES[raw.toLowerCase()]) as BucketId | undefined;
    if (!id) throw new TimeseriesInputError('bucket', `bucket '${truncate(raw)}' is not one of ${BUCKET_IDS.join(', ')} (or auto)`, 'auto picks 1m for 1 h, 5m for 6 h, 15m for 24 h, 1h for 7 d, 1d for 30 d');
    bucket = id;
  } else bucket = chooseBucket(r.from.getTime(), r.to.getTime(), zone);
  const n = bucketCount(r.from.getTime(), r.to.getTime(), bucket, zone);
  if (n > MAX_BUCKETS) {
    const fits = BUCKET_IDS.find((b) => bucketCount(r.from.getTime(), r.to.getTime(), b, zone) <= MAX_BUCKETS);
    throw new TimeseriesInputError('bucket', `${n} buckets of ${bucket} in this range; at most ${MAX_BUCKETS}`,
      fits ? `use bucket=${fits} or larger, or a shorter range` : 'choose a shorter range');
  }
  return bucket;
}

/** The period of the same length right before [from, to). */
export function previousPeriod(from: Date, to: Date): { from: Date; to: Date } {
  const len = to.getTime() - from.getTime();
  return { from: new Date(from.getTime() - len), to: new Date(from) };
}

/** A KPI against the previous period: the change, and the relative change when the previous is not 0. */
export interface Kpi { current: number | null; previous: number | null; change: number | null; changeRatio: number | null }

export function kpi(current: number | null, previous: number | null): Kpi {
  const change = current != null && previous != null ? current - previous : null;
  const changeRatio = change != null && previous ? change / previous : null;
  return { current, previous, change, changeRatio };
}

/** Negative posts as a share of all posts (null without posts). */
export function negativeShare(negative: number, total: number): number | null {
  return total > 0 ? negative / total : null;
}

/** Share of voice: each topic's part of all mentions per bucket (sums to 1 where there are any) and over the range. */
export function shareOfVoice(counts: Record<string, number[]>, n: number): { perBucket: Record<string, number[]>; totals: { topic: string; n: number; share: number }[] } {
  const topics = Object.keys(counts);
  const sums = Array.from({ length: n }, (_, i) => topics.reduce((a, t) => a + (counts[t][i] ?? 0), 0));
  const perBucket: Record<string, number[]> = {};
  for (const t of topics) perBucket[t] = sums.map((s, i) => (s > 0 ? (counts[t][i] ?? 0) / s : 0));
  const all = sums.reduce((a, b) => a + b, 0);
  const totals = topics.map((t) => {
    const tn = counts[t].reduce((a, b) => a + b, 0);
    return { topic: t, n: tn, share: all > 0 ? tn / all : 0 };
  }).sort((a, b) => b.n - a.n || a.topic.localeCompare(b.topic));
  return { perBucket, totals };
}

// ---- database ----

const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;
/** post_hourly's bucket for the hour starting at `ms` ('2026-08-22T05', UTC). */
const hourKey = (ms: number) => iso(ms).slice(0, 13);

const FIVE = 300_000;
/** post_5min's bucket for the 5 minutes starting at `ms` ('2026-08-22T05:35', UTC). */
const fiveKey = (ms: number) => iso(ms).slice(0, 16);

/**
 * Splits each interval into the whole UTC hours inside it (read from an hourly aggregate), with
 * `fiveMinutes` the whole 5-minute blocks of what is left (a 5-minute aggregate), and the rest (the
 * raw rows): sub-hour buckets and the partial hours at a range's ends. Each piece keeps its
 * interval's index.
 */
export function splitByHour(intervals: [number, number][], fiveMinutes = false): { hourly: [number, string, string][]; five: [number, string, string][]; raw: [number, string, string][] } {
  const hourly: [number, string, string][] = [];
  const five: [number, string, string][] = [];
  const raw: [number, string, string][] = [];
  const rest = (i: number, s: number, e: number) => {
    if (s >= e) return;
    const fs = Math.ceil(s / FIVE) * FIVE, fe = Math.floor(e / FIVE) * FIVE;
    if (fiveMinutes && fs < fe) {
      five.push([i, fiveKey(fs), fiveKey(fe)]);
      if (s < fs) raw.push([i, iso(s), iso(fs)]);
      if (fe < e) raw.push([i, iso(fe), iso(e)]);
    } else raw.push([i, iso(s), iso(e)]);
  };
  intervals.forEach(([s, e], i) => {
    const hs = Math.ceil(s / HOUR) * HOUR, he = Math.floor(e / HOUR) * HOUR;
    if (hs < he) {
      hourly.push([i, hourKey(hs), hourKey(he)]);
      rest(i, s, hs);
      rest(i, he, e);
    } else rest(i, s, e);
  });
  return { hourly, five, raw };
}

/** Posts per interval, by source and label (post_hourly for whole hours, post_5min for whole 5 minutes, posts by first_seen_at for the rest; trends are not posts). */
export function postCounts(db: Db, intervals: [number, number][]): { i: number; source: string; label: string; n: number }[] {
  return storeOf(db).reads.postCounts(splitByHour(intervals, true));
}

/** Highest risk per interval and topic (risk_hourly for whole hours, risk_history for the rest). */
export function riskMax(db: Db, intervals: [number, number][]): { i: number; topic: string; risk: number }[] {
  return storeOf(db).reads.riskMax(splitByHour(intervals));
}

/** Topic matches (mentions: posts and hot-list entries) per interval and topic (topic_hourly, then topic_matches). */
export function topicMentions(db: Db, intervals: [number, number][]): { i: number; topic: string; n: number }[] {
  return storeOf(db).reads.topicMentions(splitByHour(intervals));
}

const SENTIMENTS = ['negative', 'neutral', 'positive', 'unknown'] as const;

export interface OverviewSeries {
  from: string; to: string; range: RangeId | null; bucket: BucketId; bucketMs: number; timeZone: string;
  /** each bucket's start on the zone's clock (the first may start before `from`; it is counted from `from`) */
  buckets: string[];
  volume: Record<string, number[]>;
  sentiment: Record<(typeof SENTIMENTS)[number], number[]>;
  risk: Record<string, (number | null)[]>;
  mentions: Record<string, number[]>;
  shareOfVoice: { perBucket: Record<string, number[]>; totals: { topic: string; name: string; n: number; share: number }[] };
  topics: { id: string; name: string }[];
  previous: { from: string; to: string };
  kpis: { posts: Kpi; negativeShare: Kpi; incidents: Kpi; alertsP1P2: Kpi };
  totals: { posts: number; negative: number; neutral: number; positive: number; unknown: number };
}

function incidentsOpened(db: Db, from: number, to: number): number {
  return storeOf(db).reads.incidentsOpened(iso(from), iso(to));
}

function highAlerts(db: Db, from: number, to: number): number {
  return storeOf(db).reads.highAlerts(iso(from), iso(to));
}

/** Everything the overview draws for one range and bucket. */
export function overviewSeries(db: Db, r: TimeRange, bucket: BucketId, zone: string): OverviewSeries {
  const from = r.from.getTime(), to = r.to.getTime();
  const iv = bucketIntervals(from, to, bucket, zone);
  if (iv.length > MAX_BUCKETS) throw new TimeseriesInputError('bucket', `more than ${MAX_BUCKETS} buckets`, 'choose a larger bucket or a shorter range');
  const n = iv.length;
  const zeros = () => new Array<number>(n).fill(0);

  const volume: Record<string, number[]> = {};
  const sentiment = Object.fromEntries(SENTIMENTS.map((s) => [s, zeros()])) as OverviewSeries['sentiment'];
  for (const row of postCounts(db, iv.map(([, s, e]): [number, number] => [s, e]))) {
    const i = Number(row.i);
    (volume[row.source] ??= zeros())[i] += row.n;
    const label = (SENTIMENTS as readonly string[]).includes(row.label) ? (row.label as (typeof SENTIMENTS)[number]) : 'unknown';
    sentiment[label][i] += row.n;
  }

  const spans: [number, number][] = iv.map(([, s, e]) => [s, e]);
  const topics = storeOf(db).reads.topics();
  const risk: Record<string, (number | null)[]> = {};
  for (const row of riskMax(db, spans)) {
    const xs = (risk[row.topic] ??= new Array<number | null>(n).fill(null));
    const i = Number(row.i);
    xs[i] = Math.max(xs[i] ?? 0, Math.round(row.risk * 10) / 10);
  }
  const mentions: Record<string, number[]> = {};
  for (const row of topicMentions(db, spans)) (mentions[row.topic] ??= zeros())[Number(row.i)] += row.n;
  const sov = shareOfVoice(mentions, n);
  const nameOf = (id: string) => topics.find((t) => t.id === id)?.name ?? id;

  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const totals = { posts: 0, negative: sum(sentiment.negative), neutral: sum(sentiment.neutral), positive: sum(sentiment.positive), unknown: sum(sentiment.unknown) };
  totals.posts = totals.negative + totals.neutral + totals.positive + totals.unknown;
  const prev = previousPeriod(r.from, r.to);
  const prevRows = postCounts(db, [[prev.from.getTime(), prev.to.getTime()]]);
  const prevPosts = prevRows.reduce((a, x) => a + x.n, 0);
  const prevNegative = prevRows.filter((x) => x.label === 'negative').reduce((a, x) => a + x.n, 0);

  return {
    from: iso(from), to: iso(to), range: r.range, bucket, bucketMs: BUCKET_MS[bucket], timeZone: zone,
    buckets: iv.map(([start]) => iso(start)),
    volume, sentiment, risk, mentions,
    shareOfVoice: { perBucket: sov.perBucket, totals: sov.totals.map((x) => ({ ...x, name: nameOf(x.topic) })) },
    topics,
    previous: { from: prev.from.toISOString(), to: prev.to.toISOString() },
    kpis: {
      posts: kpi(totals.posts, prevPosts),
      negativeShare: kpi(negativeShare(totals.negative, totals.posts), negativeShare(prevNegative, prevPosts)),
      incidents: kpi(incidentsOpened(db, from, to), incidentsOpened(db, prev.from.getTime(), prev.to.getTime())),
      alertsP1P2: kpi(highAlerts(db, from, to), highAlerts(db, prev.from.getTime(), prev.to.getTime())),
    },
    totals,
  };
}

/**
 * An incident's chart: posts first seen and reposts gained per bucket (bucket chosen from the
 * incident's span, at most 120), from its posts and their metric snapshots. Reposts a post had
 * before its first snapshot count at that snapshot; a post without snapshots counts at first sight.
 */
export function incidentSeries(db: Db, incidentId: string, zone: string): { bucket: BucketId; volume: { bucket: string; posts: number; reposts: number }[] } {
  const posts = storeOf(db).reads.incidentFirstSeen(incidentId);
  // repost gains: each snapshot's increase over the one before; the post's current count closes the series
  const gains = storeOf(db).reads.incidentRepostGains(incidentId);
  const times = [...posts, ...gains.map((g) => g.at)].map((s) => Date.parse(s)).filter(Number.isFinite);
  if (!times.length) return { bucket: '1m', volume: [] };
  const start = Math.min(...times), end = Math.max(...times) + 1;
  const bucket = chooseBucket(start, Math.max(end, start + 10 * 60_000), zone, 120);
  const iv = bucketIntervals(start, end, bucket, zone, 10_000);
  const starts = iv.map(([s]) => s);
  const idx = (t: number) => {
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid] <= t) lo = mid; else hi = mid - 1; }
    return lo;
  };
  const volume = starts.map((s) => ({ bucket: iso(s), posts: 0, reposts: 0 }));
  for (const at of posts) { const t = Date.parse(at); if (Number.isFinite(t)) volume[idx(t)].posts++; }
  for (const g of gains) { const t = Date.parse(g.at); if (Number.isFinite(t)) volume[idx(t)].reposts += Number(g.d) || 0; }
  return { bucket, volume };
}
