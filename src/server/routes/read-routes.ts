// Read API for the dashboard and outside tools: alerts, incidents (with posts and risk history),
// posts search with the query language, overview figures, topics and source health.
import { Router } from 'express';
import type { AppDeps } from '../app-deps.js';
import { AlertRepo } from '../../db/repos/alert-repo.js';
import { toContractAlert } from '../../core/alert.js';
import { requireRole } from '../security.js';
import { searchPosts } from '../post-search.js';
import { sendError } from '../route-helpers.js';

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
    if (req.query.all !== '1' && !status) where.push('(level IS NOT NULL OR peak_risk >= 22)');
    const sort = req.query.sort === 'recent' ? 'updated_at DESC' : 'risk DESC, updated_at DESC';
    const rows = db.prepare(`SELECT * FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${sort} LIMIT ?`)
      .all(...args, int(req.query.limit, 50, 1000)) as Record<string, unknown>[];
    res.json({ incidents: rows.map(incidentRow) });
  });

  r.get('/incidents/:id', (req, res) => {
    const row = db.prepare('SELECT * FROM incidents WHERE id = ?').get(req.params.id) as Record<string, unknown> | undefined;
    if (!row) return void res.status(404).json({ error: 'no such incident' });
    const posts = db.prepare(`SELECT p.pk, p.source, p.ext_id, p.kind, p.url, p.author_name, p.author_followers, p.author_verified, p.title, p.text,
        p.published_at, p.reposts, p.comments, p.likes, p.sentiment_label, p.sentiment_score, p.severity_score, p.severity_terms
      FROM incident_posts ip JOIN posts p ON p.pk = ip.post_pk WHERE ip.incident_id = ? ORDER BY p.reposts DESC, p.author_followers DESC LIMIT ?`)
      .all(req.params.id, int(req.query.limit, 200, 2000)) as Record<string, unknown>[];
    const risk = db.prepare('SELECT at, risk, level FROM risk_history WHERE incident_id = ? ORDER BY at').all(req.params.id);
    const volume = db.prepare(`SELECT substr(p.first_seen_at, 1, 15) || '0' AS bucket, count(*) AS posts, sum(p.reposts) AS reposts
      FROM incident_posts ip JOIN posts p ON p.pk = ip.post_pk WHERE ip.incident_id = ? GROUP BY bucket ORDER BY bucket`).all(req.params.id);
    const alertRows = db.prepare('SELECT id, at, level, state, risk FROM alerts WHERE incident_id = ? ORDER BY id').all(req.params.id);
    res.json({ incident: incidentRow(row), posts: posts.map(postRow), risk, volume, alerts: alertRows });
  });

  r.get('/posts', (req, res) => {
    try {
      const result = searchPosts(db, {
        q: str(req.query.q), source: str(req.query.source), sentiment: str(req.query.sentiment), topic: str(req.query.topic),
        from: str(req.query.from), to: str(req.query.to), limit: int(req.query.limit, 50, 1000),
        beforePk: int(req.query.before, 0, Number.MAX_SAFE_INTEGER) || undefined,
      });
      res.json({ posts: result.posts.map(postRow), scanned: result.scanned, truncated: result.truncated, usedIndex: result.usedIndex });
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

  r.get('/overview', (req, res) => {
    const hours = int(req.query.hours, 24, 24 * 31);
    const now = deps.now();
    const since = new Date(now.getTime() - hours * 3_600_000).toISOString();
    const bucketLen = hours <= 48 ? 13 : 10; // hour or day buckets of the ISO string
    const volume = db.prepare(`SELECT substr(first_seen_at, 1, ${bucketLen}) AS bucket, source, count(*) AS n FROM posts
      WHERE first_seen_at >= ? AND kind != 'trend' GROUP BY bucket, source ORDER BY bucket`).all(since);
    const sentiment = db.prepare(`SELECT coalesce(sentiment_corrected, sentiment_label, 'unknown') AS label, count(*) AS n FROM posts
      WHERE first_seen_at >= ? AND kind != 'trend' GROUP BY label`).all(since);
    const risk = db.prepare(`SELECT topic_id AS topic, substr(at, 1, ${bucketLen}) AS bucket, max(risk) AS risk FROM risk_history
      WHERE at >= ? GROUP BY topic_id, bucket ORDER BY bucket`).all(since);
    const topIncidents = db.prepare(`SELECT * FROM incidents WHERE status NOT IN ('resolved', 'false_alarm') AND level IS NOT NULL
      ORDER BY risk DESC LIMIT 10`).all() as Record<string, unknown>[];
    const totals = db.prepare(`SELECT count(*) AS posts, sum(CASE WHEN coalesce(sentiment_corrected, sentiment_label) = 'negative' THEN 1 ELSE 0 END) AS negative
      FROM posts WHERE first_seen_at >= ?`).get(since);
    res.json({ since, hours, bucket: bucketLen === 13 ? 'hour' : 'day', volume, sentiment, risk, topIncidents: topIncidents.map(incidentRow), totals });
  });

  r.get('/sources', (_req, res) => {
    const since = new Date(deps.now().getTime() - 3_600_000).toISOString();
    const rows = db.prepare(`SELECT s.*, (SELECT coalesce(sum(e.items), 0) FROM source_events e WHERE e.source_id = s.id AND e.kind = 'run' AND e.at >= ?) AS items_per_hour
      FROM sources s ORDER BY s.id`).all(since);
    const live = deps.crawler?.status() ?? null;
    res.json({ sources: rows, live });
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
