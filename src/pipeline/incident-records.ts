// The pipeline's incident records: what it writes of its in-memory incidents to the store (topic
// matches, incident rows and posts, risk history, the serialized working state) and reads back
// after a restart. Turns an IncidentState into the rows src/db/store keeps; the store does not
// know the pipeline's types.
import type { Db } from '../db/connection.js';
import { storeOf, type Store } from '../db/store/index.js';
import type { NewIncident } from '../db/store/incidents-store.js';
import type { TopicConfig } from '../config/topics-config.js';
import type { IncidentState } from './incident-state.js';
import type { IncidentFeatures } from './risk-model.js';

export class IncidentRecords {
  private readonly store: Store;
  constructor(db: Db) { this.store = storeOf(db); }

  syncTopics(topics: TopicConfig[]): void {
    this.store.rules.syncTopics(topics, new Date());
  }

  addMatches(topicIds: string[], pk: number, at: string): void {
    this.store.posts.addTopicMatches(topicIds, pk, at);
  }

  create(topicId: string, kind: 'story' | 'surge', title: string, at: number): NewIncident {
    return this.store.incidents.create(topicId, kind, title, at);
  }

  setTitle(id: string, title: string): void {
    this.store.incidents.setTitle(id, title);
  }

  addPost(incidentId: string, pk: number, at: string): void {
    this.store.incidents.addPost(incidentId, pk, at);
  }

  recordRisk(s: IncidentState, at: string, f: IncidentFeatures, components: Record<string, number>, withState: boolean): void {
    this.store.incidents.addRiskPoint(at, s.topicId, s.id, Math.round(s.risk * 10) / 10, s.level.state === 'firing' ? s.level.level : null);
    this.save(s, at, f, components, withState);
  }

  saveState(s: IncidentState, at: string): void {
    this.save(s, at, null, null, true);
  }

  private save(s: IncidentState, at: string, f: IncidentFeatures | null, components: Record<string, number> | null, withState: boolean): void {
    const state = s.closed ? 'resolved' : s.level.state === 'firing' ? 'firing' : s.level.pendingLevel ? 'pending' : s.level.state;
    this.store.incidents.updateRow({
      id: s.id, at, lastPostAt: new Date(s.lastPostAt).toISOString(), level: s.level.state === 'firing' ? s.level.level : null,
      state, pendingLevel: s.level.pendingLevel, pendingSince: s.level.pendingSince ? new Date(s.level.pendingSince).toISOString() : null,
      risk: Math.round(s.risk * 10) / 10, reasons: s.reasons, forecast: s.forecast,
      sources: [...new Set(s.members.map((m) => m.source))].sort(), postCount: s.members.length, severity: f?.severity.score ?? null,
      categories: f ? [...new Set(f.severity.terms.map((t) => t.category))] : null,
      components,
      stateJson: s.closed || !withState ? null : JSON.stringify(s),
      keepState: !(withState || s.closed),
    });
  }

  /** The working states of the open incidents (a corrupt one is skipped; its row stays). */
  loadOpenStates(): IncidentState[] {
    const out: IncidentState[] = [];
    for (const r of this.store.incidents.openStates()) {
      try { out.push(JSON.parse(r) as IncidentState); } catch { /* a corrupt state row is skipped; the incident row stays */ }
    }
    return out;
  }
}
