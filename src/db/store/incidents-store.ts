// Incidents with the desk's transitions: incidents, incident posts, notes, risk history, desk merges and the audit log.
// Part of the store layer (src/db/store): this module is the one owner of its tables' SQL.
// The pipeline's working state of an incident is stored as it is given (a serialized string, see
// IncidentRowUpdate); this module does not know its shape.
import type { Db } from '../connection.js';
import { Statements } from './statements.js';
import { RegroupingRepo } from './regrouping-repo.js';

/** A new incident's identity as the store created it (times in ms). */
export interface NewIncident { id: string; seq: number; topicId: string; kind: 'story' | 'surge'; title: string; openedAt: number; lastPostAt: number }

/** What a pipeline evaluation writes to an incident's row. */
export interface IncidentRowUpdate {
  id: string;
  at: string;
  lastPostAt: string;
  level: string | null;
  state: string;
  pendingLevel: string | null;
  pendingSince: string | null;
  risk: number;
  reasons: string[];
  forecast: object | null;
  sources: string[];
  postCount: number;
  /** null keeps the stored value */
  severity: number | null;
  categories: string[] | null;
  components: Record<string, number> | null;
  /** the serialized working state the pipeline resumes from; null clears it */
  stateJson: string | null;
  /** leave the stored working state as it is (stateJson is then ignored) */
  keepState: boolean;
}

/** An incident's row as the desk reads it. */
export interface IncidentDeskRow {
  id: string; topic_id: string; title: string; level: string | null; status: string; owner: string | null; opened_at: string; first_alerted_at: string | null;
  acknowledged_at: string | null; acknowledged_by: string | null; closed_at: string | null; last_activity_at: string | null; tta_seconds: number | null;
  ttr_seconds: number | null; key_terms: string | null; reasons: string | null; peak_risk: number; merged_into: string | null; split_from: string | null;
}

/** An open incident as a silence preview sees it (its next alert's labels come from these). */
export interface OpenIncidentRow { id: string; title: string; topic_id: string; topic_name: string | null; level: string | null; pending_level: string | null; state: string; status: string; risk: number; sources: string | null; categories: string | null; kind: string | null }

/** A post of an incident as the brief reads it. */
export interface BriefPostRow { key: string; title: string | null; text: string | null; published_at: string | null; reposts: number; comments: number; likes: number; severity_terms: string | null }

const BRIEF_COLS = `p.source || ':' || p.ext_id AS key, p.title, p.text, coalesce(p.published_at, p.first_seen_at) AS published_at, p.reposts, p.comments, p.likes, p.severity_terms`;

/** desk statuses of an incident still being worked on */
const OPEN = "('new', 'acknowledged', 'responding')";

export class IncidentsStore {
  private readonly q: Statements;
  private rg?: RegroupingRepo;
  constructor(private readonly db: Db) { this.q = new Statements(db); }

  /** The desk's merges and splits (src/db/store/regrouping-repo.ts). */
  get regrouping(): RegroupingRepo { return (this.rg ??= new RegroupingRepo(this.db)); }

  // --- the pipeline's incidents ---

  /** Open a new incident (state 'quiet') with the next sequence number. */
  create(topicId: string, kind: 'story' | 'surge', title: string, at: number): NewIncident {
    const seq = ((this.q.pluck('SELECT coalesce(max(seq), 0) FROM incidents').get() as number) ?? 0) + 1;
    const id = `inc-${seq}`;
    const iso = new Date(at).toISOString();
    this.q.get(`INSERT INTO incidents (id, seq, topic_id, title, opened_at, updated_at, last_post_at, kind, state)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'quiet')`).run(id, seq, topicId, title, iso, iso, iso, kind);
    return { id, seq, topicId, kind, title, openedAt: at, lastPostAt: at };
  }

  setTitle(id: string, title: string): void {
    this.q.get('UPDATE incidents SET title = ? WHERE id = ?').run(title, id);
  }

  addPost(incidentId: string, pk: number, at: string): void {
    this.q.get('INSERT INTO incident_posts (incident_id, post_pk, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(incidentId, pk, at);
  }

  /** One point of the risk history (level: the firing level, or null). */
  addRiskPoint(at: string, topicId: string, incidentId: string, risk: number, level: string | null): void {
    this.q.get('INSERT INTO risk_history (at, topic_id, incident_id, risk, level) VALUES (?, ?, ?, ?, ?)').run(at, topicId, incidentId, risk, level);
  }

  /** Write an evaluation to the incident's row (peak risk kept, last activity set once). */
  updateRow(r: IncidentRowUpdate): void {
    this.q.get(`UPDATE incidents SET updated_at = @at, last_post_at = @lastPostAt, level = @level, state = @state,
      pending_level = @pendingLevel, pending_since = @pendingSince, risk = @risk, peak_risk = CASE WHEN @risk > peak_risk THEN @risk ELSE peak_risk END,
      reasons = @reasons, forecast = @forecast, sources = @sources, post_count = @postCount, severity = coalesce(@severity, severity),
      categories = coalesce(@categories, categories), components = coalesce(@components, components),
      state_json = CASE WHEN @keepState = 1 THEN state_json ELSE @stateJson END,
      last_activity_at = coalesce(last_activity_at, @at) WHERE id = @id`).run({
      id: r.id, at: r.at, lastPostAt: r.lastPostAt, level: r.level, state: r.state, pendingLevel: r.pendingLevel, pendingSince: r.pendingSince,
      risk: r.risk, reasons: JSON.stringify(r.reasons), forecast: r.forecast ? JSON.stringify(r.forecast) : null, sources: JSON.stringify(r.sources),
      postCount: r.postCount, severity: r.severity, categories: r.categories ? JSON.stringify(r.categories) : null,
      components: r.components ? JSON.stringify(r.components) : null, stateJson: r.stateJson, keepState: r.keepState ? 1 : 0,
    });
  }

  /** The serialized working states of the incidents not resolved. */
  openStates(): string[] {
    return this.q.pluck(`SELECT state_json FROM incidents WHERE state_json IS NOT NULL AND state != 'resolved'`).all() as string[];
  }

  // --- what alerting reads and marks ---

  /** When the incident was first notified (kept once set). */
  markFirstAlerted(id: string, at: Date): void {
    this.q.get('UPDATE incidents SET first_alerted_at = COALESCE(first_alerted_at, ?) WHERE id = ?').run(at.toISOString(), id);
  }

  /** The incident's desk status (new, acknowledged, ...), or undefined when there is no such incident. */
  deskStatus(id: string): string | undefined {
    return this.q.pluck('SELECT status FROM incidents WHERE id = ?').get(id) as string | undefined;
  }

  /**
   * Notified incidents the desk has not closed, each with `last`: the latest of its last activity,
   * acknowledgement, first alert and last reminder ('' for none), for the daily follow-up.
   */
  openNotified(): { id: string; title: string; level: string | null; status: string; owner: string | null; topic_id: string; last: string }[] {
    const rows = this.q.get(`SELECT id, title, level, status, owner, topic_id, last_activity_at, acknowledged_at, first_alerted_at, last_reminder_at
      FROM incidents WHERE status IN ${OPEN} AND first_alerted_at IS NOT NULL`).all() as
      { id: string; title: string; level: string | null; status: string; owner: string | null; topic_id: string; last_activity_at: string | null; acknowledged_at: string | null; first_alerted_at: string | null; last_reminder_at: string | null }[];
    // the latest of four ISO times, compared as text (SQLite's MAX(COALESCE(x, ''), ...) did the same)
    return rows.map((r) => ({
      id: r.id, title: r.title, level: r.level, status: r.status, owner: r.owner, topic_id: r.topic_id,
      last: [r.last_activity_at, r.acknowledged_at, r.first_alerted_at, r.last_reminder_at].map((x) => x ?? '').reduce((a, b) => (b > a ? b : a)),
    }));
  }

  /** Notified incidents the desk has not closed, highest level first (no level last), then oldest alert first: the digest. */
  openNotifiedByLevel(): { id: string; title: string; level: string | null; status: string; owner: string | null; first_alerted_at: string; opened_at: string }[] {
    return this.q.get(`SELECT id, title, level, status, owner, first_alerted_at, opened_at FROM incidents
      WHERE status IN ${OPEN} AND first_alerted_at IS NOT NULL ORDER BY COALESCE(level, 'P9'), first_alerted_at`).all() as never;
  }

  setReminded(id: string, at: Date): void {
    this.q.get('UPDATE incidents SET last_reminder_at = ? WHERE id = ?').run(at.toISOString(), id);
  }

  // --- the response desk ---

  deskRow(id: string): IncidentDeskRow | undefined {
    return this.q.get('SELECT * FROM incidents WHERE id = ?').get(id) as IncidentDeskRow | undefined;
  }

  exists(id: string): boolean {
    return this.q.get('SELECT 1 FROM incidents WHERE id = ?').get(id) !== undefined;
  }

  /** The ids of the latest incidents the desk has not closed, newest first. */
  recentOpenIds(limit: number): string[] {
    return this.q.pluck("SELECT id FROM incidents WHERE status NOT IN ('resolved', 'false_alarm') ORDER BY seq DESC LIMIT ?").all(limit) as string[];
  }

  /** Acknowledge: new becomes acknowledged; who, when and the time to acknowledge are kept once set. */
  acknowledge(id: string, actor: string, at: Date, ttaSeconds: number | null): void {
    this.q.get(`UPDATE incidents SET status = CASE WHEN status = 'new' THEN 'acknowledged' ELSE status END,
        acknowledged_at = COALESCE(acknowledged_at, ?), acknowledged_by = COALESCE(acknowledged_by, ?), tta_seconds = COALESCE(tta_seconds, ?),
        last_activity_at = ? WHERE id = ?`)
      .run(at.toISOString(), actor, ttaSeconds, at.toISOString(), id);
  }

  setOwner(id: string, owner: string | null, at: Date): void {
    this.q.get('UPDATE incidents SET owner = ?, last_activity_at = ? WHERE id = ?').run(owner, at.toISOString(), id);
  }

  /** A new desk status (acknowledgement kept once set; closing time and time to resolve as given). */
  setStatus(id: string, status: string, actor: string, at: Date, ttaSeconds: number | null, closedAt: string | null, ttrSeconds: number | null): void {
    const t = at.toISOString();
    this.q.get(`UPDATE incidents SET status = ?, last_activity_at = ?,
        acknowledged_at = COALESCE(acknowledged_at, ?), acknowledged_by = COALESCE(acknowledged_by, ?), tta_seconds = COALESCE(tta_seconds, ?),
        closed_at = ?, ttr_seconds = ? WHERE id = ?`)
      .run(status, t, t, actor, ttaSeconds, closedAt, ttrSeconds, id);
  }

  touchActivity(id: string, at: Date): void {
    this.q.get('UPDATE incidents SET last_activity_at = ? WHERE id = ?').run(at.toISOString(), id);
  }

  addNote(id: string, at: Date, author: string, text: string): number {
    return Number(this.q.get('INSERT INTO incident_notes (incident_id, at, author, text) VALUES (?, ?, ?, ?)').run(id, at.toISOString(), author, text).lastInsertRowid);
  }

  notes(id: string): { id: number; at: string; author: string | null; text: string }[] {
    return this.q.get('SELECT id, at, author, text FROM incident_notes WHERE incident_id = ? ORDER BY at, id').all(id) as never;
  }

  /** The source:id keys of an incident's posts (at most `limit`). */
  postKeys(id: string, limit: number): string[] {
    return this.q.pluck(`SELECT p.source || ':' || p.ext_id AS k FROM incident_posts ip JOIN posts p ON p.pk = ip.post_pk WHERE ip.incident_id = ? LIMIT ?`).all(id, limit) as string[];
  }

  /**
   * Incidents the desk has not closed that alert or are about to (a level, or pending or firing),
   * with their topic's name, highest risk first, at most 1000.
   */
  alertingOpen(): OpenIncidentRow[] {
    return this.q.get(`SELECT i.id, i.title, i.topic_id, t.name AS topic_name, i.level, i.pending_level, i.state, i.status, i.risk, i.sources, i.categories, i.kind
    FROM incidents i LEFT JOIN topics t ON t.id = i.topic_id
    WHERE i.status NOT IN ('resolved', 'false_alarm') AND (i.level IS NOT NULL OR i.state IN ('pending', 'firing'))
    ORDER BY i.risk DESC, i.seq DESC LIMIT 1000`).all() as OpenIncidentRow[];
  }

  /**
   * Incidents opened before `to` and updated since `from` (ISO) for the reports page, oldest first;
   * reasons as stored (JSON text).
   */
  activeInPeriod(from: string, to: string): Record<string, unknown>[] {
    return this.q.get(`SELECT id, topic_id AS topic, title, level, state, status, owner, risk, peak_risk AS peakRisk, opened_at AS openedAt, acknowledged_at AS acknowledgedAt,
          closed_at AS closedAt, post_count AS posts, reasons FROM incidents WHERE opened_at < ? AND updated_at >= ? ORDER BY opened_at`).all(to, from) as Record<string, unknown>[];
  }

  // --- the brief's reads ---

  /** What the brief's cache key needs of an incident. */
  briefHead(id: string): { id: string; title: string; updated_at: string | null; post_count: number | null } | undefined {
    return this.q.get('SELECT id, title, updated_at, post_count FROM incidents WHERE id = ?').get(id) as never;
  }

  /** An incident's most-shared posts (reposts + comments). */
  mostSharedPosts(id: string, limit: number): BriefPostRow[] {
    return this.q.get(`SELECT ${BRIEF_COLS} FROM incident_posts ip JOIN posts p ON p.pk = ip.post_pk WHERE ip.incident_id = ?
    ORDER BY p.reposts + p.comments DESC, p.pk LIMIT ?`).all(id, limit) as BriefPostRow[];
  }

  /** An incident's earliest posts (published, else first seen). */
  earliestPosts(id: string, limit: number): BriefPostRow[] {
    return this.q.get(`SELECT ${BRIEF_COLS} FROM incident_posts ip JOIN posts p ON p.pk = ip.post_pk WHERE ip.incident_id = ?
    ORDER BY coalesce(p.published_at, p.first_seen_at), p.pk LIMIT ?`).all(id, limit) as BriefPostRow[];
  }

  // --- the audit log (every desk and alerting action) ---

  writeAudit(at: Date, actor: string | null, action: string, target: string | null, detail?: unknown): void {
    this.q.get('INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)')
      .run(at.toISOString(), actor, action, target, detail === undefined ? null : JSON.stringify(detail));
  }

  /** A target's audit entries, oldest first (detail as stored: JSON text or null). */
  audit(target: string, limit: number): { id: number; at: string; actor: string | null; action: string; target: string | null; detail: string | null }[] {
    return this.q.get('SELECT id, at, actor, action, target, detail FROM audit_log WHERE target = ? ORDER BY at, id LIMIT ?').all(target, limit) as never;
  }
}
