// Read API for the dashboard and outside tools: alerts, incidents (with posts and risk history),
// posts search with the query language, overview figures, topics and source health.
import { Router } from 'express';
import type { AppDeps } from '../app-deps.js';
import { storeOf } from '../../db/store/index.js';
import { toContractAlert } from '../../core/alert.js';
import { requireRole } from '../security.js';
import { searchPosts } from '../post-search.js';
import { sendError } from '../route-helpers.js';
import { detailCache, rememberDetail } from '../detail-cache.js';
import { sourceStateOfRow } from '../../crawl/source-health.js';
import { incidentSeries, overviewSeries, parseRange, resolveBucket, type BucketId, type TimeRange } from '../timeseries.js';
import { withHighlights } from '../search-highlight.js';

const int = (v: unknown, d: number, max: number) => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? Math.min(Math.floor(n), max) : d;
};
const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
const json = (v: unknown, d: unknown = null) => { try { return typeof v === 'string' ? JSON.parse(v) : d; } catch { return d; } };

export function incidentRow(r: Record<string, unknown>) {
  return {
    id: r.id, topic: r.topic_id, kind: r.kind, title: r.title, level: r.level, state: r.state, risk: r.risk, peakRisk: r.peak_risk,
    status: r.status, owner: r.owner, openedAt: r.opened_at, updatedAt: r.updated_at, lastPostAt: r.last_post_at,
    acknowledgedAt: r.acknowledged_at, acknowledgedBy: r.acknowledged_by, closedAt: r.closed_at,
    reasons: json(r.reasons, []), forecast: json(r.forecast), sources: json(r.sources, []), categories: json(r.categories, []),
    postCount: r.post_count, severity: r.severity,
    mergedInto: r.merged_into ?? null, splitFrom: r.split_from ?? null, // the desk's merges and splits (src/desk/merge-split.ts)
  };
}

export function readRoutes(deps: AppDeps): Router {
  const r = Router();
  const db = deps.db;
  const store = storeOf(db);
  const alerts = store.alerts.records;
  r.use(requireRole('viewer'));

  r.get('/alerts', (req, res) => {
    const list = alerts.list({ since: str(req.query.since), until: str(req.query.until), topic: str(req.query.topic), limit: int(req.query.limit, 100, 5000) });
    res.json({ alerts: list.map((a) => ({ id: a.id, ...toContractAlert(a), kind: a.kind })) });
  });

  r.get('/incidents', (req, res) => {
    const rows = store.reads.incidents({
      status: str(req.query.status), topic: str(req.query.topic), level: str(req.query.level), firing: req.query.firing === '1',
      merged: req.query.merged === '1', all: req.query.all === '1', sort: req.query.sort === 'recent' ? 'recent' : 'risk', limit: int(req.query.limit, 50, 1000),
    });
    res.json({ incidents: rows.map(incidentRow) });
  });

  // The heavy part of an incident (its top posts and volume series) is cached per incident
  // version (updated_at, post_count): a 20k-post incident costs ~25 ms to aggregate, and the
  // desk re-reads it far more often than the pipeline changes it.
  r.get('/incidents/:id', (req, res) => {
    const row = store.reads.incident(String(req.params.id));
    if (!row) return void res.status(404).json({ error: 'no such incident' });
    const limit = int(req.query.limit, 200, 2000);
    const id = String(req.params.id);
    const version = `${String(row.updated_at)}|${String(row.post_count)}|${limit}`;
    let heavy = detailCache(db).get(id);
    if (!heavy || heavy.version !== version) {
      const posts = store.reads.incidentTopPosts(id, limit);
      // posts first seen and reposts gained per bucket (1 min … 1 day, from the incident's span; timeseries.ts)
      const { volume, bucket: volumeBucket } = incidentSeries(db, id, deps.env.timezone);
      heavy = { version, posts: posts.map(postRow), volume, volumeBucket };
      rememberDetail(db, id, heavy);
    }
    const risk = store.reads.incidentRiskHistory(id);
    const alertRows = store.reads.incidentAlertList(id);
    const mergedFrom = store.reads.mergedFrom(id);
    res.json({ incident: { ...incidentRow(row), mergedFrom }, posts: heavy.posts, risk, volume: heavy.volume, volumeBucket: heavy.volumeBucket, timeZone: deps.env.timezone, alerts: alertRows });
  });

  r.get('/posts', (req, res) => {
    try {
      const result = searchPosts(db, {
        q: str(req.query.q), source: str(req.query.source), sentiment: str(req.query.sentiment), topic: str(req.query.topic),
        from: str(req.query.from), to: str(req.query.to), limit: int(req.query.limit, 50, 1000),
        beforePk: int(req.query.before, 0, Number.MAX_SAFE_INTEGER) || undefined,
      });
      // nextBefore: pass as `before` for the next page (null: no more); a search that stopped at its time budget (truncated) has one too
      // highlight: where the query's terms occur in each post's text and title ([start, end) offsets, src/server/search-highlight.ts)
      res.json({ posts: withHighlights(result.posts.map(postRow), str(req.query.q)), scanned: result.scanned, truncated: result.truncated, usedIndex: result.usedIndex, nextBefore: result.nextBeforePk });
    } catch (e) {
      sendError(res, e);
    }
  });

  r.get('/topics', (_req, res) => {
    res.json({ topics: store.reads.topicsWithRisk() });
  });

  // GET /overview?range=15m|1h|6h|24h|7d|30d | from=&to= [&bucket=1m|5m|15m|1h|1d|auto] (old: hours=N; default: the
  // last 24 h). Series per bucket on FLAREWATCH_TZ's clock and KPIs against the previous period
  // (src/server/timeseries.ts); volume/sentiment/risk/totals keep their old row shapes.
  r.get(['/overview', '/timeseries'], (req, res) => {
    let range: TimeRange, bucket: BucketId;
    const zone = deps.env.timezone;
    try {
      range = parseRange(req.query, deps.now(), zone);
      bucket = resolveBucket(req.query.bucket, range, zone);
    } catch (e) { return void sendError(res, e); }
    const s = overviewSeries(db, range, bucket, zone);
    const topIncidents = store.reads.topOpenIncidents(10);
    const rows = <T>(series: Record<string, T[]>, key: string, valueKey: string) => Object.entries(series).flatMap(([k, xs]) =>
      xs.flatMap((v, i) => (v == null || v === 0 ? [] : [{ bucket: s.buckets[i], [key]: k, [valueKey]: v }])));
    const { volume, sentiment, risk, mentions, ...rest } = s;
    res.json({
      ...rest,
      since: s.from, hours: Math.round((range.to.getTime() - range.from.getTime()) / 360_000) / 10,
      volume: rows(volume, 'source', 'n'),
      sentiment: Object.entries(sentiment).map(([label, xs]) => ({ label, n: xs.reduce((a, b) => a + b, 0) })).filter((x) => x.n > 0),
      risk: rows(risk, 'topic', 'risk'),
      topIncidents: topIncidents.map(incidentRow),
      series: { volume, sentiment, risk, mentions },
    });
  });

  r.get('/sources', (_req, res) => {
    const since = new Date(deps.now().getTime() - 3_600_000).toISOString();
    const rows = store.sources.listWithItemsSince(since);
    const live = deps.crawler?.status() ?? null;
    res.json({ sources: rows.map((r) => ({ ...r, state: sourceStateOfRow(r) })), live }); // state: crawl/source-health.ts
  });

  return r;
}

export function postRow(p: Record<string, unknown>) {
  return {
    pk: p.pk, key: `${String(p.source)}:${String(p.ext_id)}`, source: p.source, id: p.ext_id, kind: p.kind, url: p.url,
    author: { name: p.author_name, followers: p.author_followers, verified: p.author_verified === 1 },
    title: p.title, text: p.text, publishedAt: p.published_at, firstSeenAt: p.first_seen_at,
    metrics: { reposts: p.reposts, comments: p.comments, likes: p.likes },
    sentiment: { label: p.sentiment_corrected ?? p.sentiment_label, score: p.sentiment_score, corrected: p.sentiment_corrected != null },
    severity: { score: p.severity_score, terms: json(p.severity_terms, []) },
  };
}
