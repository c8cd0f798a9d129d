// Read models for reports: posts in scope, incidents, alerts, risk history and source health over
// a period, as the report's rows (src/report/report-data.ts). Scope = posts that matched a watch
// topic (the chosen one with --topic); when the database has no topics at all, every post. A post
// belongs to a period by its publication time (first-seen time when unknown). All times compared
// are ISO UTC strings as stored. Reads only; owned by ReadModels (storeOf(db).reads.report).
import type { Db } from '../connection.js';
import type { Level } from '../../core/alert.js';
import type { AlertRow, PostRow, SentimentKey, SourceHealthRow, PlatformRow, TopicInfo } from '../../report/report-data.js';
import { Statements } from './statements.js';

export interface Scope { start: string; end: string; topic: string | null }

export const parseJson = <T>(v: unknown, d: T): T => {
  if (typeof v !== 'string' || !v) return d;
  try { return JSON.parse(v) as T; } catch { return d; }
};

const POST_TIME = 'coalesce(p.published_at, p.first_seen_at)';

export function sentimentOf(label: unknown): SentimentKey {
  return label === 'negative' || label === 'neutral' || label === 'positive' ? label : 'unknown';
}

function scopeSql(s: Scope, allPosts: boolean): { where: string; args: unknown[] } {
  const where = [`${POST_TIME} >= ?`, `${POST_TIME} < ?`];
  const args: unknown[] = [s.start, s.end];
  // uncorrelated IN (...) subqueries: topic_matches has no index on post_pk alone, so a correlated
  // EXISTS would scan it once per post
  if (s.topic) { where.push('p.pk IN (SELECT post_pk FROM topic_matches WHERE topic_id = ?)'); args.push(s.topic); }
  else if (!allPosts) where.push('p.pk IN (SELECT post_pk FROM topic_matches)');
  return { where: where.join(' AND '), args };
}

function rowToPost(r: Record<string, unknown>): PostRow {
  const reposts = Number(r.reposts ?? 0), comments = Number(r.comments ?? 0), likes = Number(r.likes ?? 0);
  const title = (r.title as string | null) ?? null;
  return {
    key: `${r.source}:${r.ext_id}`, source: String(r.source), id: String(r.ext_id), kind: String(r.kind),
    url: (r.url as string | null) ?? null, author: (r.author_name as string | null) ?? null, authorId: (r.author_id as string | null) ?? null,
    followers: r.author_followers == null ? null : Number(r.author_followers), verified: Boolean(r.author_verified),
    title, text: String(r.text ?? title ?? ''), publishedAt: String(r.t),
    reposts, comments, likes, engagement: reposts + comments + likes,
    sentiment: sentimentOf(r.sent), sentimentScore: r.sentiment_score == null ? null : Number(r.sentiment_score),
    severity: Number(r.severity_score ?? 0),
    topics: typeof r.topic_ids === 'string' && r.topic_ids ? r.topic_ids.split(',').sort() : [],
    incident: (r.incident_id as string | null) ?? null,
  };
}

export interface IncidentDbRow {
  id: string; topic_id: string; title: string; kind: string | null; opened_at: string; updated_at: string; closed_at: string | null;
  acknowledged_at: string | null; status: string; state: string; owner: string | null; peak_risk: number; post_count: number;
  sources: string | null; reasons: string | null; level: string | null;
}

export class ReportReads {
  private readonly q: Statements;

  constructor(private readonly db: Db) {
    this.q = new Statements(db);
  }

  /** One topic (or all), by id. */
  topics(topic: string | null): TopicInfo[] {
    return this.q.get(`SELECT id, name, query FROM topics ${topic ? 'WHERE id = ?' : ''} ORDER BY id`).all(...(topic ? [topic] : [])) as TopicInfo[];
  }

  /**
   * The time span of the stored posts: the first time anything was collected, the earliest post
   * time (publication or collection) and the newest; null for an empty database. Index lookups only.
   */
  dataSpan(): { firstSeen: string; earliest: string; newest: string } | null {
    const r = this.q.get(`SELECT (SELECT min(first_seen_at) FROM posts) AS first_seen, (SELECT min(published_at) FROM posts) AS min_pub,
    (SELECT max(first_seen_at) FROM posts) AS max_seen, (SELECT max(published_at) FROM posts) AS max_pub`).get() as Record<string, string | null>;
    if (!r.first_seen) return null;
    const earliest = r.min_pub && r.min_pub < r.first_seen ? r.min_pub : r.first_seen;
    const newest = r.max_pub && r.max_seen && r.max_pub > r.max_seen ? r.max_pub : (r.max_seen ?? r.first_seen);
    return { firstSeen: r.first_seen, earliest, newest };
  }

  topicCount(): number {
    return this.q.pluck('SELECT count(*) FROM topics').get() as number;
  }

  /** Posts in scope, newest first (or by engagement, negative posts only). */
  *posts(s: Scope, allPosts: boolean, order: 'time' | 'engagement-negative' = 'time'): Generator<PostRow> {
    const { where, args } = scopeSql(s, allPosts);
    const extra = order === 'engagement-negative' ? ` AND coalesce(p.sentiment_corrected, p.sentiment_label) = 'negative'` : '';
    const orderBy = order === 'time' ? `${POST_TIME} DESC, p.pk DESC` : '(p.reposts + p.comments + p.likes) DESC, p.severity_score DESC, p.pk';
    // prepared per call: a report may read two scopes' posts at once, and one statement iterates once at a time
    // dialect: group_concat (PostgreSQL: string_agg)
    const stmt = this.db.prepare(`SELECT p.*, ${POST_TIME} AS t,
      coalesce(p.sentiment_corrected, p.sentiment_label) AS sent,
      tmx.topic_ids AS topic_ids,
      (SELECT min(incident_id) FROM incident_posts ip WHERE ip.post_pk = p.pk) AS incident_id
    FROM posts p LEFT JOIN (SELECT post_pk, group_concat(topic_id, ',') AS topic_ids FROM topic_matches GROUP BY post_pk) tmx ON tmx.post_pk = p.pk
    WHERE ${where}${extra} ORDER BY ${orderBy}`);
    for (const r of stmt.iterate(...args) as Iterable<Record<string, unknown>>) yield rowToPost(r);
  }

  /** Post counts per (source, sentiment), and every post's time and sentiment, in one pass. */
  countPosts(s: Scope, allPosts: boolean): { total: number; bySource: Map<string, Record<SentimentKey, number>>; times: { t: string; sentiment: SentimentKey }[] } {
    const { where, args } = scopeSql(s, allPosts);
    const rows = this.q.raw(`SELECT p.source AS source, ${POST_TIME} AS t, coalesce(p.sentiment_corrected, p.sentiment_label) AS sent
    FROM posts p WHERE ${where}`).iterate(...args) as Iterable<[string, string, string | null]>;
    const bySource = new Map<string, Record<SentimentKey, number>>();
    const times: { t: string; sentiment: SentimentKey }[] = [];
    for (const [source, t, sent] of rows) {
      const k = sentimentOf(sent);
      let rec = bySource.get(source);
      if (!rec) bySource.set(source, (rec = { negative: 0, neutral: 0, positive: 0, unknown: 0 }));
      rec[k]++;
      times.push({ t, sentiment: k });
    }
    return { total: times.length, bySource, times };
  }

  /**
   * Incidents active during the period (opened before its end, still open or closed after its start)
   * that reached an alert level or that the desk touched; quiet clusters are left out.
   */
  incidents(s: Scope): IncidentDbRow[] {
    return this.q.get(`SELECT i.* FROM incidents i
    WHERE i.opened_at < @end AND coalesce(i.closed_at, i.updated_at) >= @start
      ${s.topic ? 'AND i.topic_id = @topic' : ''}
      AND (i.level IS NOT NULL OR i.status != 'new'
           OR EXISTS (SELECT 1 FROM alerts a WHERE a.incident_id = i.id AND a.at < @end))
    ORDER BY i.peak_risk DESC, i.opened_at`).all({ start: s.start, end: s.end, ...(s.topic ? { topic: s.topic } : {}) }) as IncidentDbRow[];
  }

  incidentAlerts(incidentId: string, end: string): { at: string; level: Level; state: string; risk: number }[] {
    return this.q.get('SELECT at, level, state, risk FROM alerts WHERE incident_id = ? AND at < ? ORDER BY at, id').all(incidentId, end) as never;
  }

  incidentPostTimes(incidentId: string): string[] {
    return this.q.pluck(`SELECT ${POST_TIME} FROM incident_posts ip JOIN posts p ON p.pk = ip.post_pk WHERE ip.incident_id = ? ORDER BY 1`)
      .all(incidentId) as string[];
  }

  incidentRisk(incidentId: string, start: string, end: string): { at: string; risk: number }[] {
    return this.q.get('SELECT at, risk FROM risk_history WHERE incident_id = ? AND at >= ? AND at < ? ORDER BY at')
      .all(incidentId, start, end) as { at: string; risk: number }[];
  }

  riskHistory(s: Scope): { at: string; topic: string; risk: number }[] {
    return this.q.get(`SELECT at, topic_id AS topic, risk FROM risk_history WHERE at >= ? AND at < ? ${s.topic ? 'AND topic_id = ?' : ''} ORDER BY at`)
      .all(s.start, s.end, ...(s.topic ? [s.topic] : [])) as { at: string; topic: string; risk: number }[];
  }

  alerts(s: Scope): AlertRow[] {
    const rows = this.q.get(`SELECT * FROM alerts WHERE at >= ? AND at < ? ${s.topic ? 'AND topic_id = ?' : ''} ORDER BY at, id`)
      .all(s.start, s.end, ...(s.topic ? [s.topic] : [])) as Record<string, unknown>[];
    return rows.map((r) => ({
      at: String(r.at), topic: String(r.topic_id), incident: (r.incident_id as string | null) ?? null, level: r.level as Level,
      state: String(r.state), risk: Number(r.risk), title: String(r.title), reasons: parseJson<string[]>(r.reasons, []),
      posts: parseJson<unknown[]>(r.posts, []).length, kind: String(r.kind ?? 'incident'),
    }));
  }

  sourceHealth(s: Scope): SourceHealthRow[] {
    const rows = this.q.get(`SELECT s.*,
      (SELECT count(*) FROM source_events e WHERE e.source_id = s.id AND e.at >= @start AND e.at < @end AND e.kind IN ('error', 'blocked')) AS errs,
      (SELECT coalesce(sum(items), 0) FROM source_events e WHERE e.source_id = s.id AND e.at >= @start AND e.at < @end AND e.kind = 'run') AS items
    FROM sources s ORDER BY s.id`).all({ start: s.start, end: s.end }) as Record<string, unknown>[];
    return rows.map((r) => ({
      id: String(r.id), adapter: String(r.adapter), url: String(r.url), enabled: Boolean(r.enabled), healthy: Boolean(r.healthy),
      blocked: Boolean(r.blocked), lastSuccessAt: (r.last_success_at as string | null) ?? null, lastError: (r.last_error as string | null) ?? null,
      errorStreak: Number(r.error_streak ?? 0), errorsInPeriod: Number(r.errs ?? 0), itemsInPeriod: Number(r.items ?? 0),
    }));
  }

  platforms(s: Scope): PlatformRow[] {
    return this.q.get(`SELECT p.source AS source, count(*) AS posts, max(p.last_seen_at) AS lastSeenAt FROM posts p
    WHERE ${POST_TIME} >= ? AND ${POST_TIME} < ? GROUP BY p.source ORDER BY posts DESC`).all(s.start, s.end) as PlatformRow[];
  }
}
