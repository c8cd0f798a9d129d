// Read models across aggregates for the dashboard, API and reports (overview series, incident lists, report tables). Reads only.
// Part of the store layer (src/db/store): this module is the one owner of its tables' SQL.
import type { Db } from '../connection.js';
import { Statements } from './statements.js';
import { ReportReads } from './report-reads.js';

/** Pieces of a chart's buckets, each [bucket index, from, to]: whole hours, whole 5-minute blocks and the rest (src/server/timeseries.ts splitByHour). */
export interface SeriesPieces { hourly: [number, string, string][]; five: [number, string, string][]; raw: [number, string, string][] }

/**
 * The queries behind the overview's series, one per source of rows; each takes a JSON array of
 * [interval index, from, to] (whole hours read hourly aggregates, whole 5 minutes the 5-minute
 * ones, the rest the rows). Portable: PostgreSQL reads json_each over an array as
 * jsonb_array_elements (src/db/pg/pg-dialect.ts).
 */
export const SERIES_SQL = {
  postsHourly: `SELECT CAST(b.value ->> 0 AS INTEGER) AS i, ph.source, ph.label, sum(ph.n) AS n FROM json_each(?) b
      JOIN post_hourly ph ON ph.bucket >= b.value ->> 1 AND ph.bucket < b.value ->> 2 GROUP BY 1, 2, 3 HAVING sum(ph.n) > 0`,
  posts5min: `SELECT CAST(b.value ->> 0 AS INTEGER) AS i, pf.source, pf.label, sum(pf.n) AS n FROM json_each(?) b
      JOIN post_5min pf ON pf.bucket >= b.value ->> 1 AND pf.bucket < b.value ->> 2 GROUP BY 1, 2, 3 HAVING sum(pf.n) > 0`,
  postsRaw: `SELECT CAST(b.value ->> 0 AS INTEGER) AS i, p.source, coalesce(p.sentiment_corrected, p.sentiment_label, 'unknown') AS label, count(*) AS n FROM json_each(?) b
      JOIN posts p ON p.first_seen_at >= b.value ->> 1 AND p.first_seen_at < b.value ->> 2 WHERE p.kind != 'trend' GROUP BY 1, 2, 3`,
  riskHourly: `SELECT CAST(b.value ->> 0 AS INTEGER) AS i, rh.topic_id AS topic, max(rh.risk) AS risk FROM json_each(?) b
      JOIN risk_hourly rh ON rh.bucket >= b.value ->> 1 AND rh.bucket < b.value ->> 2 GROUP BY 1, 2`,
  riskRaw: `SELECT CAST(b.value ->> 0 AS INTEGER) AS i, rh.topic_id AS topic, max(rh.risk) AS risk FROM json_each(?) b
      JOIN risk_history rh ON rh.at >= b.value ->> 1 AND rh.at < b.value ->> 2 GROUP BY 1, 2`,
  mentionsHourly: `SELECT CAST(b.value ->> 0 AS INTEGER) AS i, th.topic_id AS topic, sum(th.n) AS n FROM json_each(?) b
      JOIN topic_hourly th ON th.bucket >= b.value ->> 1 AND th.bucket < b.value ->> 2 GROUP BY 1, 2 HAVING sum(th.n) > 0`,
  // topics first: topic_matches is indexed by (topic_id, matched_at)
  mentionsRaw: `SELECT CAST(b.value ->> 0 AS INTEGER) AS i, t.id AS topic, count(*) AS n FROM json_each(?) b CROSS JOIN topics t CROSS JOIN topic_matches tm
      WHERE tm.topic_id = t.id AND tm.matched_at >= b.value ->> 1 AND tm.matched_at < b.value ->> 2 GROUP BY 1, 2`,
};

/** The incident list's filters (GET /incidents). */
export interface IncidentListFilter {
  /** 'open' (not resolved or a false alarm) or one status */
  status?: string;
  topic?: string;
  level?: string;
  /** firing or pending only */
  firing?: boolean;
  /** include incidents merged into another */
  merged?: boolean;
  /** include quiet clusters (no level, peak risk under 22); implied by a status */
  all?: boolean;
  /** 'recent': newest change first; else highest risk first */
  sort?: 'risk' | 'recent';
  limit: number;
}

export class ReadModels {
  private readonly q: Statements;
  private rep?: ReportReads;

  constructor(private readonly db: Db) {
    this.q = new Statements(db);
  }

  /** The analysts' report's reads (report-reads.ts). */
  get report(): ReportReads {
    return (this.rep ??= new ReportReads(this.db));
  }

  /** Ids of the incidents the desk called a false alarm (the pipeline damps their look-alikes). */
  falseAlarmIncidentIds(): string[] {
    return this.q.pluck("SELECT id FROM incidents WHERE status = 'false_alarm'").all() as string[];
  }

  /** A cheap query that fails when the database does (the health check). */
  ping(): void {
    this.q.get('SELECT 1').get();
  }

  // ---- the overview's series and KPIs (src/server/timeseries.ts) ----

  /** Rows of one series query over the pieces given (each piece set runs its query once; an absent query skips its pieces). */
  private piecewise<T>(pieces: SeriesPieces, sql: { hourly: string; five?: string; raw: string }): T[] {
    const rows: T[] = [];
    for (const k of ['hourly', 'five', 'raw'] as const) {
      const text = sql[k];
      if (pieces[k].length && text) rows.push(...(this.q.get(text).all(JSON.stringify(pieces[k])) as T[]));
    }
    return rows;
  }

  /** Posts per piece, by source and label (trends are not posts). */
  postCounts(pieces: SeriesPieces): { i: number; source: string; label: string; n: number }[] {
    return this.piecewise(pieces, { hourly: SERIES_SQL.postsHourly, five: SERIES_SQL.posts5min, raw: SERIES_SQL.postsRaw });
  }

  /** Highest risk per piece and topic. */
  riskMax(pieces: SeriesPieces): { i: number; topic: string; risk: number }[] {
    return this.piecewise(pieces, { hourly: SERIES_SQL.riskHourly, raw: SERIES_SQL.riskRaw });
  }

  /** Topic matches per piece and topic. */
  topicMentions(pieces: SeriesPieces): { i: number; topic: string; n: number }[] {
    return this.piecewise(pieces, { hourly: SERIES_SQL.mentionsHourly, raw: SERIES_SQL.mentionsRaw });
  }

  /** Watch topics, by id. */
  topics(): { id: string; name: string }[] {
    return this.q.get('SELECT id, name FROM topics ORDER BY id').all() as { id: string; name: string }[];
  }

  /** Incidents opened in [from, to) that reached a level or a peak risk of 22 (merged ones left out). */
  incidentsOpened(from: string, to: string): number {
    return this.q.pluck(`SELECT count(*) FROM incidents WHERE opened_at >= ? AND opened_at < ? AND merged_into IS NULL
    AND (level IS NOT NULL OR peak_risk >= 22)`).get(from, to) as number;
  }

  /** P1 and P2 incident alerts that fired in [from, to). */
  highAlerts(from: string, to: string): number {
    return this.q.pluck(`SELECT count(*) FROM alerts WHERE at >= ? AND at < ? AND level IN ('P1', 'P2') AND state = 'firing' AND kind = 'incident'`)
      .get(from, to) as number;
  }

  /** When each of an incident's posts was first seen. */
  incidentFirstSeen(incidentId: string): string[] {
    return this.q.pluck('SELECT p.first_seen_at AS at FROM incident_posts ip JOIN posts p ON p.pk = ip.post_pk WHERE ip.incident_id = ?').all(incidentId) as string[];
  }

  /**
   * Reposts an incident's posts gained, by time: each snapshot's increase over the one before,
   * and the posts' current counts over their last snapshot (at that snapshot, or at first sight
   * without snapshots).
   */
  incidentRepostGains(incidentId: string): { at: string; d: number }[] {
    return this.q.get(`SELECT at, sum(d) AS d FROM (
      SELECT ps.at AS at, ps.reposts - coalesce(lag(ps.reposts) OVER (PARTITION BY ps.post_pk ORDER BY ps.at), 0) AS d
        FROM incident_posts ip JOIN posts p ON p.pk = ip.post_pk AND p.reposts > 0 JOIN post_snapshots ps ON ps.post_pk = p.pk
        WHERE ip.incident_id = ? AND ps.reposts IS NOT NULL
      UNION ALL
      SELECT coalesce((SELECT max(at) FROM post_snapshots WHERE post_pk = p.pk), p.first_seen_at),
             p.reposts - coalesce((SELECT reposts FROM post_snapshots WHERE post_pk = p.pk AND reposts IS NOT NULL ORDER BY at DESC LIMIT 1), 0)
        FROM incident_posts ip JOIN posts p ON p.pk = ip.post_pk AND p.reposts > 0 WHERE ip.incident_id = ?
    ) gains WHERE d != 0 GROUP BY at`).all(incidentId, incidentId) as { at: string; d: number }[];
  }

  // ---- the read API (src/server/routes/read-routes.ts) ----

  /** Incidents as the list shows them (full rows). */
  incidents(f: IncidentListFilter): Record<string, unknown>[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.status === 'open') where.push("status NOT IN ('resolved', 'false_alarm')");
    else if (f.status) { where.push('status = ?'); args.push(f.status); }
    if (f.topic) { where.push('topic_id = ?'); args.push(f.topic); }
    if (f.level) { where.push('level = ?'); args.push(f.level); }
    if (f.firing) where.push("state IN ('firing', 'pending')");
    if (!f.merged) where.push('merged_into IS NULL'); // merged incidents live on in the one they joined
    if (!f.all && !f.status) where.push('(level IS NOT NULL OR peak_risk >= 22)');
    const sort = f.sort === 'recent' ? 'updated_at DESC' : 'risk DESC, updated_at DESC';
    return this.q.get(`SELECT * FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${sort} LIMIT ?`)
      .all(...args, f.limit) as Record<string, unknown>[];
  }

  /** One incident's full row. */
  incident(id: string): Record<string, unknown> | undefined {
    return this.q.get('SELECT * FROM incidents WHERE id = ?').get(id) as Record<string, unknown> | undefined;
  }

  /** An incident's most reposted posts (then most followed authors), as the detail page lists them. */
  incidentTopPosts(incidentId: string, limit: number): Record<string, unknown>[] {
    return this.q.get(`SELECT p.pk, p.source, p.ext_id, p.kind, p.url, p.author_name, p.author_followers, p.author_verified, p.title, p.text,
          p.published_at, p.first_seen_at, p.reposts, p.comments, p.likes, p.sentiment_label, p.sentiment_corrected, p.sentiment_score, p.severity_score, p.severity_terms
        FROM posts p WHERE p.pk IN (SELECT p2.pk FROM incident_posts ip JOIN posts p2 ON p2.pk = ip.post_pk WHERE ip.incident_id = ?
          ORDER BY p2.reposts DESC, p2.author_followers DESC LIMIT ?) ORDER BY p.reposts DESC, p.author_followers DESC`)
      .all(incidentId, limit) as Record<string, unknown>[];
  }

  /** An incident's risk over time. */
  incidentRiskHistory(incidentId: string): { at: string; risk: number; level: string | null }[] {
    return this.q.get('SELECT at, risk, level FROM risk_history WHERE incident_id = ? ORDER BY at').all(incidentId) as never;
  }

  /** An incident's alerts, oldest first (id, time, level, state, risk). */
  incidentAlertList(incidentId: string): { id: number; at: string; level: string; state: string; risk: number }[] {
    return this.q.get('SELECT id, at, level, state, risk FROM alerts WHERE incident_id = ? ORDER BY id').all(incidentId) as never;
  }

  /** Ids of the incidents merged into this one, in order. */
  mergedFrom(incidentId: string): string[] {
    return this.q.pluck('SELECT id FROM incidents WHERE merged_into = ? ORDER BY seq').all(incidentId) as string[];
  }

  /** Topics with their highest firing/pending risk and the open incidents that reached a level. */
  topicsWithRisk(): Record<string, unknown>[] {
    return this.q.get(`SELECT t.id, t.name, t.query, t.enabled,
        (SELECT max(risk) FROM incidents i WHERE i.topic_id = t.id AND i.state IN ('firing', 'pending')) AS risk,
        (SELECT count(*) FROM incidents i WHERE i.topic_id = t.id AND i.status NOT IN ('resolved', 'false_alarm') AND i.level IS NOT NULL) AS open_incidents
      FROM topics t ORDER BY t.id`).all() as Record<string, unknown>[];
  }

  /** The riskiest open incidents that reached a level (full rows). */
  topOpenIncidents(limit: number): Record<string, unknown>[] {
    return this.q.get(`SELECT * FROM incidents WHERE status NOT IN ('resolved', 'false_alarm') AND level IS NOT NULL
      ORDER BY risk DESC LIMIT ?`).all(limit) as Record<string, unknown>[];
  }

  // ---- /metrics (src/server/routes/ops-routes.ts) ----

  postsBySource(): { source: string; n: number }[] {
    return this.q.get('SELECT source, count(*) AS n FROM posts GROUP BY source').all() as never;
  }

  alertsByLevelAndState(): { level: string; state: string; n: number }[] {
    return this.q.get('SELECT level, state, count(*) AS n FROM alerts GROUP BY level, state').all() as never;
  }

  firingIncidentsByLevel(): { level: string | null; n: number }[] {
    return this.q.get("SELECT level, count(*) AS n FROM incidents WHERE state = 'firing' GROUP BY level").all() as never;
  }

  deliveriesByChannelAndStatus(): { channel: string; status: string; n: number }[] {
    return this.q.get('SELECT channel, status, count(*) AS n FROM deliveries GROUP BY channel, status').all() as never;
  }

  // ---- incidents for the evidence archive (src/evidence/archive.ts) ----

  incidentExists(id: string): boolean {
    return this.q.get('SELECT 1 FROM incidents WHERE id = ?').get(id) !== undefined;
  }

  /** An incident's current level (undefined for an unknown incident). */
  incidentLevel(id: string): { id: string; level: string | null } | undefined {
    return this.q.get('SELECT id, level FROM incidents WHERE id = ?').get(id) as { id: string; level: string | null } | undefined;
  }

  /** The highest level any alert of the incident had ('P1' before 'P2'), if any. */
  highestAlertLevel(incidentId: string): string | undefined {
    return this.q.pluck('SELECT level FROM alerts WHERE incident_id = ? ORDER BY level LIMIT 1').get(incidentId) as string | undefined;
  }

  /** An incident's posts that have a URL, most reposted (then most followed) first. */
  incidentPostsWithUrl(incidentId: string, limit: number): { pk: number; url: string }[] {
    return this.q.get(`SELECT p.pk, p.url FROM incident_posts ip JOIN posts p ON p.pk = ip.post_pk
    WHERE ip.incident_id = ? AND p.url IS NOT NULL ORDER BY p.reposts DESC, p.author_followers DESC LIMIT ?`).all(incidentId, limit) as { pk: number; url: string }[];
  }
}
