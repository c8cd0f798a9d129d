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
}
