// Read API for the dashboard and outside tools: alerts, incidents (with posts and risk history),
// posts search with the query language, overview figures, topics and source health.
import { Router } from 'express';
import type { AppDeps } from '../app-deps.js';
import { AlertRepo } from '../../db/store/alert-repo.js';
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
  const alerts = new AlertRepo(db);
  r.use(requireRole('viewer'));

  r.get('/alerts', (req, res) => {
    const list = alerts.list({ since: str(req.query.since), until: str(req.query.until), topic: str(req.query.topic), limit: int(req.query.limit, 100, 5000) });
    res.json({ alerts: list.map((a) => ({ id: a.id, ...toContractAlert(a), kind: a.kind })) });
  });

  r.get('/incidents', (req, res) => {
    const where: string[] = [];
    const args: unknown[] = [];
    const status = str(req.query.status);
    if (status === 'open') where.push("status NOT IN ('resolved', 'false_alarm')");
    else if (status) { where.push('status = ?'); args.push(status); }
    if (str(req.query.topic)) { where.push('topic_id = ?'); args.push(req.query.topic); }
    if (str(req.query.level)) { where.push('level = ?'); args.push(req.query.level); }
    if (req.query.firing === '1') where.push("state IN ('firing', 'pending')");
    if (req.query.merged !== '1') where.push('merged_into IS NULL'); // merged incidents live on in the one they joined
    if (req.query.all !== '1' && !status) where.push('(level IS NOT NULL OR peak_risk >= 22)');
    const sort = req.query.sort === 'recent' ? 'updated_at DESC' : 'risk DESC, updated_at DESC';
    const rows = db.prepare(`SELECT * FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${sort} LIMIT ?`)
      .all(...args, int(req.query.limit, 50, 1000)) as Record<string, unknown>[];
    res.json({ incidents: rows.map(incidentRow) });
  });

  // The heavy part of an incident (its top posts and volume series) is cached per incident
  // version (updated_at, post_count): a 20k-post incident costs ~25 ms to aggregate, and the
  // desk re-reads it far more often than the pipeline changes it.
  r.get('/incidents/:id', (req, res) => {
    const row = db.prepare('SELECT * FROM incidents WHERE id = ?').get(req.params.id) as Record<string, unknown> | undefined;
    if (!row) return void res.status(404).json({ error: 'no such incident' });
    const limit = int(req.query.limit, 200, 2000);
    const id = String(req.params.id);
    const version = `${String(row.updated_at)}|${String(row.post_count)}|${limit}`;
    let heavy = detailCache(db).get(id);
    if (!heavy || heavy.version !== version) {
      const posts = db.prepare(`SELECT p.pk, p.source, p.ext_id, p.kind, p.url, p.author_name, p.author_followers, p.author_verified, p.title, p.text,
          p.published_at, p.first_seen_at, p.reposts, p.comments, p.likes, p.sentiment_label, p.sentiment_corrected, p.sentiment_score, p.severity_score, p.severity_terms
        FROM posts p WHERE p.pk IN (SELECT p2.pk FROM incident_posts ip JOIN posts p2 ON p2.pk = ip.post_pk WHERE ip.incident_id = ?
          ORDER BY p2.reposts DESC, p2.author_followers DESC LIMIT ?) ORDER BY p.reposts DESC, p.author_followers DESC`)
        .all(id, limit) as Record<string, unknown>[];
      // posts first seen and reposts gained per bucket (1 min … 1 day, from the incident's span; timeseries.ts)
      const { volume, bucket: volumeBucket } = incidentSeries(db, id, deps.env.timezone);
      heavy = { version, posts: posts.map(postRow), volume, volumeBucket };
      rememberDetail(db, id, heavy);
    }
    const risk = db.prepare('SELECT at, risk, level FROM risk_history WHERE incident_id = ? ORDER BY at').all(id);
    const alertRows = db.prepare('SELECT id, at, level, state, risk FROM alerts WHERE incident_id = ? ORDER BY id').all(id);
    const mergedFrom = db.prepare('SELECT id FROM incidents WHERE merged_into = ? ORDER BY seq').pluck().all(id);
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
    const rows = db.prepare(`SELECT t.id, t.name, t.query, t.enabled,
        (SELECT max(risk) FROM incidents i WHERE i.topic_id = t.id AND i.state IN ('firing', 'pending')) AS risk,
        (SELECT count(*) FROM incidents i WHERE i.topic_id = t.id AND i.status NOT IN ('resolved', 'false_alarm') AND i.level IS NOT NULL) AS open_incidents
      FROM topics t ORDER BY t.id`).all();
    res.json({ topics: rows });
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
    const topIncidents = db.prepare(`SELECT * FROM incidents WHERE status NOT IN ('resolved', 'false_alarm') AND level IS NOT NULL
      ORDER BY risk DESC LIMIT 10`).all() as Record<string, unknown>[];
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
    const rows = db.prepare(`SELECT s.*, (SELECT coalesce(sum(e.items), 0) FROM source_events e WHERE e.source_id = s.id AND e.kind = 'run' AND e.at >= ?) AS items_per_hour
      FROM sources s ORDER BY s.id`).all(since) as Record<string, unknown>[];
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
