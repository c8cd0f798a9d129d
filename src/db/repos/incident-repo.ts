// Incidents, their posts, topic matches and risk history: rows for the dashboard and reports,
// plus the serialized working state the pipeline resumes from after a restart.
import type { Db } from '../connection.js';
import type { TopicConfig } from '../../config/topics-config.js';
import type { IncidentState } from '../../pipeline/incident-state.js';
import type { IncidentFeatures } from '../../pipeline/risk-model.js';

export class IncidentRepo {
  private readonly insMatch;
  private readonly insPost;
  private readonly insRisk;
  private readonly upd;

  constructor(private readonly db: Db) {
    this.insMatch = db.prepare('INSERT OR IGNORE INTO topic_matches (topic_id, post_pk, matched_at) VALUES (?, ?, ?)');
    this.insPost = db.prepare(`INSERT OR IGNORE INTO incident_posts (incident_id, post_pk, added_at) VALUES (?, ?, ?)`);
    this.insRisk = db.prepare('INSERT INTO risk_history (at, topic_id, incident_id, risk, level) VALUES (?, ?, ?, ?, ?)');
    this.upd = db.prepare(`UPDATE incidents SET updated_at = @at, last_post_at = @lastPostAt, level = @level, state = @state,
      pending_level = @pendingLevel, pending_since = @pendingSince, risk = @risk, peak_risk = max(peak_risk, @risk),
      reasons = @reasons, forecast = @forecast, sources = @sources, post_count = @postCount, severity = coalesce(@severity, severity),
      categories = coalesce(@categories, categories), components = coalesce(@components, components),
      state_json = CASE WHEN @keepState = 1 THEN state_json ELSE @stateJson END,
      last_activity_at = coalesce(last_activity_at, @at) WHERE id = @id`);
  }

  syncTopics(topics: TopicConfig[]): void {
    const up = this.db.prepare(`INSERT INTO topics (id, name, query, file, enabled, updated_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, query = excluded.query, file = excluded.file, enabled = excluded.enabled, updated_at = excluded.updated_at`);
    const now = new Date().toISOString();
    this.db.transaction(() => { for (const t of topics) up.run(t.id, t.name, t.query, t.file, t.enabled ? 1 : 0, now); })();
  }

  addMatches(topicIds: string[], pk: number, at: string): void {
    for (const t of topicIds) this.insMatch.run(t, pk, at);
  }

  create(topicId: string, kind: 'story' | 'surge', title: string, at: number): Pick<IncidentState, 'id' | 'seq' | 'topicId' | 'kind' | 'title' | 'openedAt' | 'lastPostAt'> {
    const seq = ((this.db.prepare('SELECT coalesce(max(seq), 0) FROM incidents').pluck().get() as number) ?? 0) + 1;
    const id = `inc-${seq}`;
    const iso = new Date(at).toISOString();
    this.db.prepare(`INSERT INTO incidents (id, seq, topic_id, title, opened_at, updated_at, last_post_at, kind, state)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'quiet')`).run(id, seq, topicId, title, iso, iso, iso, kind);
    return { id, seq, topicId, kind, title, openedAt: at, lastPostAt: at };
  }

  setTitle(id: string, title: string): void {
    this.db.prepare('UPDATE incidents SET title = ? WHERE id = ?').run(title, id);
  }

  addPost(incidentId: string, pk: number, at: string): void {
    this.insPost.run(incidentId, pk, at);
  }

  recordRisk(s: IncidentState, at: string, f: IncidentFeatures, components: Record<string, number>, withState: boolean): void {
    this.insRisk.run(at, s.topicId, s.id, Math.round(s.risk * 10) / 10, s.level.state === 'firing' ? s.level.level : null);
    this.save(s, at, f, components, withState);
  }

  saveState(s: IncidentState, at: string): void {
    this.save(s, at, null, null, true);
  }

  private save(s: IncidentState, at: string, f: IncidentFeatures | null, components: Record<string, number> | null, withState: boolean): void {
    const state = s.closed ? 'resolved' : s.level.state === 'firing' ? 'firing' : s.level.pendingLevel ? 'pending' : s.level.state;
    const sources = [...new Set(s.members.map((m) => m.source))].sort();
    this.upd.run({
      id: s.id, at, lastPostAt: new Date(s.lastPostAt).toISOString(), level: s.level.state === 'firing' ? s.level.level : null,
      state, pendingLevel: s.level.pendingLevel, pendingSince: s.level.pendingSince ? new Date(s.level.pendingSince).toISOString() : null,
      risk: Math.round(s.risk * 10) / 10, reasons: JSON.stringify(s.reasons), forecast: s.forecast ? JSON.stringify(s.forecast) : null,
      sources: JSON.stringify(sources), postCount: s.members.length, severity: f?.severity.score ?? null,
      categories: f ? JSON.stringify([...new Set(f.severity.terms.map((t) => t.category))]) : null,
      components: components ? JSON.stringify(components) : null,
      stateJson: s.closed || !withState ? null : JSON.stringify(s),
      keepState: withState || s.closed ? 0 : 1,
    });
  }

  loadOpenStates(): IncidentState[] {
    const rows = this.db.prepare(`SELECT state_json FROM incidents WHERE state_json IS NOT NULL AND state != 'resolved'`).pluck().all() as string[];
    const out: IncidentState[] = [];
    for (const r of rows) {
      try { out.push(JSON.parse(r) as IncidentState); } catch { /* a corrupt state row is skipped; the incident row stays */ }
    }
    return out;
  }
}
