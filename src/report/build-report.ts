// buildReport: everything a report shows, computed from the database for one period and the one
// before it. Pure over the db (reads only; the clock comes in as `now`).
import type { Db } from '../db/connection.js';
import { LEVELS, LEVEL_RANK, type Level } from '../core/alert.js';
import { UserError } from '../core/errors.js';
import { periodKind, periodLabel, periodTitleRange, previousPeriod, resolvePeriod, type Period } from './date-range.js';
import { reportTitle, type ReportLang } from './i18n.js';
import type {
  AuthorRow, IncidentRow, PeriodBasis, PeriodKpis, PostRow, ReportData, SentimentKey, TimelineEvent,
} from './report-data.js';
import { storeOf } from '../db/store/index.js';
import { parseJson, type IncidentDbRow, type ReportReads, type Scope } from '../db/store/report-reads.js';
import { risingKeywords } from './rising-keywords.js';

export interface BuildReportOptions {
  from: Date;
  to: Date;
  lang?: ReportLang;
  topic?: string | null;
  now: Date;
  /** zone for labels and chart buckets (default Asia/Shanghai) */
  zone?: string;
  /** most posts listed in `posts` (default 50,000) */
  maxPosts?: number;
  /** called as each part is done, for progress bars */
  onStep?: (step: string) => void;
  /** how the period was chosen (default: requested); the report says so when it was a default */
  basis?: PeriodBasis;
}

export const REPORT_STEPS = ['kpis', 'charts', 'incidents', 'posts', 'authors', 'keywords', 'sources'] as const;

/** The report's reads over a connection (src/db/store/report-reads.ts). */
const reads = (db: Db): ReportReads => storeOf(db).reads.report;

/** Highest level an incident's firing alerts reached before `end`, preferring alerts inside the period. */
export function peakLevel(alerts: { at: string; level: Level; state: string }[], start: string): Level | null {
  const pick = (xs: typeof alerts) => xs.filter((a) => a.state === 'firing' && LEVELS.includes(a.level))
    .reduce<Level | null>((best, a) => (best === null || LEVEL_RANK[a.level] < LEVEL_RANK[best] ? a.level : best), null);
  return pick(alerts.filter((a) => a.at >= start)) ?? pick(alerts);
}

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;

/**
 * The period of a report asked for without --from/--to: the last 7 days ending now; all of the
 * data when the database is younger than that (from its earliest post, so a report right after the
 * demo is not empty); the 7 days up to the newest post when nothing arrived in the last 7 days (a
 * replayed or idle database). Returns how it was chosen, which the report states.
 */
export function defaultReportPeriod(db: Db, now: Date): { period: Period; basis: PeriodBasis } {
  const span = reads(db).dataSpan();
  if (!span) return { period: { start: new Date(now.getTime() - WEEK), end: now }, basis: 'no-data' };
  const newest = Date.parse(span.newest);
  const stale = newest < now.getTime() - WEEK;
  const end = stale || newest >= now.getTime() ? new Date(newest + 1000) : now;
  const earliest = Math.floor(Date.parse(span.earliest) / 60_000) * 60_000; // from the minute of the first post
  if (earliest > end.getTime() - WEEK) return { period: { start: new Date(earliest), end }, basis: 'data-span' };
  return { period: { start: new Date(end.getTime() - WEEK), end }, basis: stale ? 'latest-7-days' : 'last-7-days' };
}

/** The period for `--from`/`--to` (either or both), or the default one when neither is given. */
export function resolveReportPeriod(db: Db, opts: { from?: string; to?: string }, now: Date, zone: string): { period: Period; basis: PeriodBasis } {
  const period = resolvePeriod(opts, now, zone); // validates the zone and the dates
  return opts.from || opts.to ? { period, basis: 'requested' } : defaultReportPeriod(db, now);
}

/** Chart bucket size for a period: hourly up to two days, 6-hourly up to 8 days, then daily, then weekly. */
export function bucketSize(p: Period): number {
  const len = p.end.getTime() - p.start.getTime();
  if (len <= 2 * 24 * HOUR) return HOUR;
  if (len <= 8 * 24 * HOUR) return 6 * HOUR;
  if (len <= 62 * 24 * HOUR) return 24 * HOUR;
  return 7 * 24 * HOUR;
}

function bucketStarts(p: Period, size: number): string[] {
  const out: string[] = [];
  for (let t = p.start.getTime(); t < p.end.getTime(); t += size) out.push(new Date(t).toISOString());
  return out;
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const secondsBetween = (a: string | null, b: string | null): number | null => {
  if (!a || !b) return null;
  const d = (Date.parse(b) - Date.parse(a)) / 1000;
  return Number.isFinite(d) && d >= 0 ? d : null;
};

function kpis(db: Db, s: Scope, allPosts: boolean): { k: PeriodKpis; counts: ReturnType<ReportReads['countPosts']>; incidents: IncidentDbRow[] } {
  const counts = reads(db).countPosts(s, allPosts);
  const collected = allPosts ? counts.total : reads(db).countPosts({ ...s, topic: null }, true).total;
  let negative = 0, analysed = 0;
  for (const rec of counts.bySource.values()) { negative += rec.negative; analysed += rec.negative + rec.neutral + rec.positive; }
  const incidents = reads(db).incidents(s);
  const byLevel = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;
  for (const i of incidents) {
    const lv = peakLevel(reads(db).incidentAlerts(i.id, s.end), s.start);
    if (lv) byLevel[lv]++;
  }
  const tta = incidents.map((i) => secondsBetween(i.opened_at, i.acknowledged_at)).filter((x): x is number => x !== null);
  const ttr = incidents.map((i) => secondsBetween(i.opened_at, i.closed_at)).filter((x): x is number => x !== null);
  return {
    counts, incidents,
    k: {
      volume: counts.total, collected, negative, negativeShare: analysed ? negative / analysed : null,
      incidents: incidents.length, incidentsByLevel: byLevel, alerts: reads(db).alerts(s).length,
      medianTtaSeconds: median(tta), medianTtrSeconds: median(ttr),
    },
  };
}

function incidentRow(db: Db, i: IncidentDbRow, s: Scope): IncidentRow {
  const alerts = reads(db).incidentAlerts(i.id, s.end);
  const postTimes = reads(db).incidentPostTimes(i.id);
  const timeline: TimelineEvent[] = [];
  if (postTimes.length) timeline.push({ at: postTimes[0], event: 'first-post' });
  let lastLevel: string | null = null;
  for (const a of alerts) {
    if (a.state === 'resolved') { timeline.push({ at: a.at, event: 'resolved', level: a.level, risk: a.risk }); lastLevel = null; continue; }
    if (a.level !== lastLevel) timeline.push({ at: a.at, event: 'alert', level: a.level, risk: Math.round(a.risk) });
    lastLevel = a.level;
  }
  if (i.acknowledged_at) timeline.push({ at: i.acknowledged_at, event: 'acknowledged' });
  if (i.closed_at) timeline.push({ at: i.closed_at, event: 'closed' });
  timeline.sort((a, b) => a.at.localeCompare(b.at));
  // cumulative posts, at most ~40 points
  const spread: { at: string; posts: number }[] = [];
  const step = Math.max(1, Math.ceil(postTimes.length / 40));
  for (let k = step - 1; k < postTimes.length; k += step) spread.push({ at: postTimes[k], posts: k + 1 });
  if (postTimes.length && spread[spread.length - 1]?.posts !== postTimes.length) spread.push({ at: postTimes[postTimes.length - 1], posts: postTimes.length });
  const risk = reads(db).incidentRisk(i.id, i.opened_at, s.end);
  const rstep = Math.max(1, Math.ceil(risk.length / 60));
  return {
    id: i.id, topic: i.topic_id, title: i.title, kind: i.kind ?? 'story', openedAt: i.opened_at,
    acknowledgedAt: i.acknowledged_at, closedAt: i.closed_at, status: i.status, state: i.state, owner: i.owner,
    peakLevel: peakLevel(alerts, s.start), peakRisk: Math.round(Number(i.peak_risk) * 10) / 10,
    postCount: postTimes.length || Number(i.post_count), sources: parseJson<string[]>(i.sources, []), reasons: parseJson<string[]>(i.reasons, []),
    ttaSeconds: secondsBetween(i.opened_at, i.acknowledged_at), ttrSeconds: secondsBetween(i.opened_at, i.closed_at),
    timeline, spread, riskPoints: risk.filter((_, k) => k % rstep === 0 || k === risk.length - 1),
  };
}

function authors(posts: PostRow[]): AuthorRow[] {
  const by = new Map<string, AuthorRow & { best: number }>();
  for (const p of posts) {
    if (!p.authorId && !p.author) continue;
    const key = `${p.source}\u0000${p.authorId ?? p.author}`;
    let a = by.get(key);
    if (!a) by.set(key, (a = { source: p.source, id: p.authorId ?? '', name: p.author, followers: p.followers, verified: p.verified, posts: 0, negativePosts: 0, engagement: 0, influence: 0, topPostUrl: null, best: -1 }));
    a.posts++;
    if (p.sentiment === 'negative') a.negativePosts++;
    a.engagement += p.engagement;
    if (p.followers != null) a.followers = Math.max(a.followers ?? 0, p.followers);
    if (p.engagement > a.best) { a.best = p.engagement; a.topPostUrl = p.url; }
    a.verified ||= p.verified;
    a.name ??= p.author;
  }
  return [...by.values()].map(({ best: _b, ...a }) => ({ ...a, influence: Math.round(a.engagement + (a.followers ?? 0) / 100) }))
    .sort((x, y) => y.influence - x.influence || y.posts - x.posts).slice(0, 15);
}

export function buildReport(db: Db, opts: BuildReportOptions): ReportData {
  const zone = opts.zone ?? 'Asia/Shanghai';
  const lang = opts.lang ?? 'zh-CN';
  const topic = opts.topic ?? null;
  const step = opts.onStep ?? (() => {});
  if (topic && !reads(db).topics(topic).length) {
    const known = reads(db).topics(null).map((t) => t.id);
    throw new UserError(`no topic '${topic}' in the database`, known.length ? `known topics: ${known.join(', ')}` : 'the database has no topics yet');
  }
  const period: Period = { start: opts.from, end: opts.to };
  const prev = previousPeriod(period);
  const cur: Scope = { start: period.start.toISOString(), end: period.end.toISOString(), topic };
  const before: Scope = { start: prev.start.toISOString(), end: prev.end.toISOString(), topic };
  const allPosts = reads(db).topicCount() === 0;
  const topics = reads(db).topics(topic);

  const now = kpis(db, cur, allPosts);
  const was = kpis(db, before, allPosts);
  step('kpis');

  const size = bucketSize(period);
  const buckets = bucketStarts(period, size);
  const idx = (t: string) => Math.min(buckets.length - 1, Math.max(0, Math.floor((Date.parse(t) - period.start.getTime()) / size)));
  const volumeTrend = { buckets, bucketMs: size, negative: buckets.map(() => 0), neutral: buckets.map(() => 0), positive: buckets.map(() => 0), unknown: buckets.map(() => 0) };
  for (const { t, sentiment } of now.counts.times) volumeTrend[sentiment][idx(t)]++;
  const names = new Map(reads(db).topics(null).map((t) => [t.id, t.name]));
  const riskSeries = new Map<string, (number | null)[]>();
  for (const r of reads(db).riskHistory(cur)) {
    let vals = riskSeries.get(r.topic);
    if (!vals) riskSeries.set(r.topic, (vals = buckets.map(() => null)));
    const k = idx(r.at);
    vals[k] = Math.max(vals[k] ?? 0, Math.round(r.risk * 10) / 10);
  }
  const prevBySource = was.counts.bySource;
  const volumeBySource = [...now.counts.bySource.entries()].map(([source, rec]) => {
    const p = prevBySource.get(source);
    return { source, ...rec, total: rec.negative + rec.neutral + rec.positive + rec.unknown, previous: p ? p.negative + p.neutral + p.positive + p.unknown : 0 };
  }).sort((a, b) => b.total - a.total || a.source.localeCompare(b.source));
  step('charts');

  const incidents = now.incidents.map((i) => incidentRow(db, i, cur));
  const alerts = reads(db).alerts(cur);
  step('incidents');

  const maxPosts = opts.maxPosts ?? 50_000;
  const posts: PostRow[] = [];
  let truncated = false;
  for (const p of reads(db).posts(cur, allPosts)) {
    if (posts.length >= maxPosts) { truncated = true; break; }
    posts.push(p);
  }
  const topNegative: PostRow[] = [];
  for (const p of reads(db).posts(cur, allPosts, 'engagement-negative')) {
    topNegative.push(p);
    if (topNegative.length >= 20) break;
  }
  step('posts');
  const authorRows = authors(posts);
  step('authors');

  const texts = function* (s: Scope) { for (const p of reads(db).posts(s, allPosts)) yield `${p.title ?? ''} ${p.text}`; };
  const keywords = risingKeywords(texts(cur), texts(before), topics.map((t) => t.query), { userWords: topics.map((t) => t.name) });
  step('keywords');

  const health = { configured: reads(db).sourceHealth(cur), platforms: reads(db).platforms(cur) };
  step('sources');

  const kind = periodKind(period, zone);
  return {
    version: 1, lang, zone, generatedAt: opts.now.toISOString(), topicFilter: topic,
    topics: topics.map((t) => ({ ...t, name: names.get(t.id) ?? t.name })),
    title: reportTitle(lang, kind, periodTitleRange(period, zone, kind)),
    period: { start: cur.start, end: cur.end, label: periodLabel(period, zone), kind, basis: opts.basis ?? 'requested' },
    previous: { start: before.start, end: before.end, label: periodLabel(prev, zone) },
    summary: { current: now.k, previous: was.k },
    riskTrend: { buckets, bucketMs: size, series: [...riskSeries.entries()].map(([t, values]) => ({ topic: t, name: names.get(t) ?? t, values })) },
    volumeTrend, volumeBySource, incidents, alerts, topNegative, authors: authorRows, risingKeywords: keywords,
    sourceHealth: health, posts, postsTruncated: truncated,
  };
}

export type { SentimentKey };
