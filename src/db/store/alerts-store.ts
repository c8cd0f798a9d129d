// Alerts and deliveries: alert state and decisions, groups, notifications, the outbox (deliveries, attempts, log), silences, escalations, sender leases, warnings and feedback.
// Part of the store layer (src/db/store): this module is the one owner of its tables' SQL.
// The alerts table is kept by alert-repo.ts (`records`) and the outbox by outbox-store.ts (`outbox`).
import { dialectOf, type Db } from '../connection.js';
import { Statements } from './statements.js';
import { AlertRepo } from './alert-repo.js';
import { OutboxStore } from './outbox-store.js';

/** alert_state: the last alert of each fingerprint. */
export interface AlertStateRow { fingerprint: string; alert_id: number; topic_id: string; incident_id: string | null; level: string; state: string; labels: string; posts: string; p1_active: number }

/** alert_groups: one per route and group key, with its timers (Alertmanager timing). */
export interface GroupRow {
  id: number; group_key: string; route_id: string; receiver: string; labels: string; timing: string; state: string; created_at: string;
  next_flush_at: string | null; last_flush_at: string | null; repeat_due_at: string | null; flush_seq: number; repeat_count: number;
}

export interface GroupItemRow { alert_id: number; fingerprint: string; notified_seq: number | null; alert_json: string }

export interface SilenceRow { id: number; matchers: string; starts_at: string; ends_at: string; created_by: string | null; comment: string | null; created_at: string }

export interface FeedbackInput {
  at: string; incidentId: string; topicId: string; verdict: 'false_alarm' | 'retracted'; actor: string; note: string | null;
  level: string | null; peakRisk: number; keyTerms: string | null; reasons: string | null; posts: string[];
}

export interface FeedbackStoredRow {
  id: number; at: string; incident_id: string; topic_id: string | null; verdict: string; actor: string | null; note: string | null;
  level: string | null; peak_risk: number | null; key_terms: string | null; reasons: string | null; posts: string | null;
}

export class AlertsStore {
  private readonly q: Statements;
  private rec?: AlertRepo;
  private box?: OutboxStore;
  constructor(private readonly db: Db) { this.q = new Statements(db); }

  /** The alerts table (src/db/store/alert-repo.ts). */
  get records(): AlertRepo { return (this.rec ??= new AlertRepo(this.db)); }
  /** Notifications, deliveries, the notification log, senders and warnings (src/db/store/outbox-store.ts). */
  get outbox(): OutboxStore { return (this.box ??= new OutboxStore(this.db)); }

  // --- alert state and decisions ---

  state(fingerprint: string): AlertStateRow | undefined {
    return this.q.get('SELECT * FROM alert_state WHERE fingerprint = ?').get(fingerprint) as AlertStateRow | undefined;
  }

  /** Firing alert states other than `fingerprint`'s. */
  firingStatesExcept(fingerprint: string): AlertStateRow[] {
    return this.q.get("SELECT * FROM alert_state WHERE state = 'firing' AND fingerprint != ?").all(fingerprint) as AlertStateRow[];
  }

  /** Record an alert as its fingerprint's state; the first P1 time is cleared when p1Active is 0. */
  upsertState(s: { fingerprint: string; alertId: number; topicId: string; incidentId: string | null; level: string; state: string; labels: string; posts: string; p1Active: 0 | 1 }, now: Date): void {
    this.q.get(`INSERT INTO alert_state (fingerprint, alert_id, topic_id, incident_id, level, state, labels, posts, p1_active, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (fingerprint) DO UPDATE SET alert_id = excluded.alert_id, level = excluded.level,
        state = excluded.state, labels = excluded.labels, posts = excluded.posts, p1_active = excluded.p1_active, updated_at = excluded.updated_at,
        first_p1_at = CASE WHEN excluded.p1_active = 0 THEN NULL ELSE alert_state.first_p1_at END`)
      .run(s.fingerprint, s.alertId, s.topicId, s.incidentId, s.level, s.state, s.labels, s.posts, s.p1Active, now.toISOString());
  }

  /** When a firing P1 first went out (kept once set, until the P1 ends). */
  markFirstP1(fingerprint: string, at: Date): void {
    this.q.get("UPDATE alert_state SET first_p1_at = COALESCE(first_p1_at, ?) WHERE fingerprint = ? AND p1_active = 1 AND state = 'firing'").run(at.toISOString(), fingerprint);
  }

  markStatesNotified(fingerprints: Iterable<string>): void {
    const mark = this.q.get('UPDATE alert_state SET notified = 1 WHERE fingerprint = ?');
    for (const fp of fingerprints) mark.run(fp);
  }

  /** What the notifier decided about an alert (routed, silenced, inhibited, no route). */
  decide(alertId: number, at: Date, outcome: string, detail: string): void {
    this.q.get('INSERT INTO alert_decisions (alert_id, at, outcome, detail) VALUES (?, ?, ?, ?)').run(alertId, at.toISOString(), outcome, detail);
  }

  /** An alert's decisions in the order they were made. */
  decisions(alertId: number): { at: string; outcome: string; detail: string | null }[] {
    // dialect: insertion order is SQLite's rowid; the PostgreSQL table has an identity id for it
    const order = dialectOf(this.db) === 'postgres' ? 'id' : 'rowid';
    return this.q.get(`SELECT at, outcome, detail FROM alert_decisions WHERE alert_id = ? ORDER BY ${order}`).all(alertId) as never;
  }

  // --- groups ---

  groupByKey(key: string): GroupRow | undefined {
    return this.q.get('SELECT * FROM alert_groups WHERE group_key = ?').get(key) as GroupRow | undefined;
  }

  /** A new firing group whose first flush is at `nextFlushAt`. */
  createGroup(g: { key: string; routeId: string; receiver: string; labels: string; timing: string; nextFlushAt: string }, now: Date): GroupRow {
    const id = Number(this.q.get(`INSERT INTO alert_groups (group_key, route_id, receiver, labels, timing, state, created_at, next_flush_at)
        VALUES (?, ?, ?, ?, ?, 'firing', ?, ?)`).run(g.key, g.routeId, g.receiver, g.labels, g.timing, now.toISOString(), g.nextFlushAt).lastInsertRowid);
    return this.q.get('SELECT * FROM alert_groups WHERE id = ?').get(id) as GroupRow;
  }

  /** Add an alert to a group (an alert already in it is left). */
  addGroupItem(groupId: number, alertId: number, fingerprint: string, now: Date, alertJson: string): void {
    this.q.get('INSERT INTO alert_group_items (group_id, alert_id, fingerprint, added_at, notified_seq, alert_json) VALUES (?, ?, ?, ?, NULL, ?) ON CONFLICT DO NOTHING')
      .run(groupId, alertId, fingerprint, now.toISOString(), alertJson);
  }

  /** Groups whose flush timer expired by `at` (ISO), soonest first. */
  flushDue(at: string): GroupRow[] {
    return this.q.get('SELECT * FROM alert_groups WHERE next_flush_at IS NOT NULL AND next_flush_at <= ? ORDER BY next_flush_at, id').all(at) as GroupRow[];
  }

  /** Firing groups with nothing to flush whose repeat is due by `at` (ISO), soonest first. */
  repeatDue(at: string): GroupRow[] {
    return this.q.get("SELECT * FROM alert_groups WHERE state = 'firing' AND next_flush_at IS NULL AND repeat_due_at IS NOT NULL AND repeat_due_at <= ? ORDER BY repeat_due_at, id").all(at) as GroupRow[];
  }

  /** Groups with a flush timer set, soonest first. */
  withFlushPending(): GroupRow[] {
    return this.q.get('SELECT * FROM alert_groups WHERE next_flush_at IS NOT NULL ORDER BY next_flush_at, id').all() as GroupRow[];
  }

  groupItems(groupId: number): GroupItemRow[] {
    return this.q.get('SELECT alert_id, fingerprint, notified_seq, alert_json FROM alert_group_items WHERE group_id = ? ORDER BY added_at, alert_id').all(groupId) as GroupItemRow[];
  }

  setNextFlush(groupId: number, at: string | null): void {
    this.q.get('UPDATE alert_groups SET next_flush_at = ? WHERE id = ?').run(at, groupId);
  }

  setRepeatDue(groupId: number, at: string | null): void {
    this.q.get('UPDATE alert_groups SET repeat_due_at = ? WHERE id = ?').run(at, groupId);
  }

  /** The group's items not notified yet get flush number `seq`. */
  markItemsNotified(groupId: number, seq: number): void {
    this.q.get('UPDATE alert_group_items SET notified_seq = ? WHERE group_id = ? AND notified_seq IS NULL').run(seq, groupId);
  }

  /** No timers left and the group's new state (nothing was said). */
  stopGroup(groupId: number, state: string): void {
    this.q.get('UPDATE alert_groups SET next_flush_at = NULL, repeat_due_at = NULL, state = ? WHERE id = ?').run(state, groupId);
  }

  /** A flush went out: its number and time, the repeat count and next repeat, the group's state. */
  recordFlush(groupId: number, seq: number, at: Date, repeatCount: number, repeatDueAt: string | null, state: string): void {
    this.q.get(`UPDATE alert_groups SET flush_seq = ?, last_flush_at = ?, next_flush_at = NULL, repeat_count = ?, repeat_due_at = ?, state = ? WHERE id = ?`)
      .run(seq, at.toISOString(), repeatCount, repeatDueAt, state, groupId);
  }

  /** The alert last added to a group under this fingerprint (its stored JSON), or null. */
  latestAlertJson(fingerprint: string): string | null {
    return (this.q.pluck('SELECT alert_json FROM alert_group_items WHERE fingerprint = ? ORDER BY added_at DESC, alert_id DESC LIMIT 1').get(fingerprint) as string | undefined) ?? null;
  }

  // --- escalations ---

  /** Firing P1 alerts of an incident, with when the P1 first went out and the incident's desk status ('new' without a row). */
  activeP1s(): { fingerprint: string; incident_id: string; first_p1_at: string; status: string }[] {
    return this.q.get(`SELECT s.fingerprint, s.incident_id, s.first_p1_at, COALESCE(i.status, 'new') AS status FROM alert_state s
      LEFT JOIN incidents i ON i.id = s.incident_id
      WHERE s.p1_active = 1 AND s.state = 'firing' AND s.first_p1_at IS NOT NULL AND s.incident_id IS NOT NULL`).all() as never;
  }

  escalated(incidentId: string, tier: number): boolean {
    return this.q.get('SELECT 1 FROM escalations WHERE incident_id = ? AND tier = ?').get(incidentId, tier) !== undefined;
  }

  addEscalation(incidentId: string, tier: number, at: Date, receiver: string): void {
    this.q.get('INSERT INTO escalations (incident_id, tier, at, receiver) VALUES (?, ?, ?, ?)').run(incidentId, tier, at.toISOString(), receiver);
  }

  // --- silences ---

  insertSilence(matchers: string, startsAt: Date, endsAt: Date, createdBy: string | null, comment: string | null, now: Date): number {
    return Number(this.q.get('INSERT INTO silences (matchers, starts_at, ends_at, created_by, comment, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(matchers, startsAt.toISOString(), endsAt.toISOString(), createdBy, comment, now.toISOString()).lastInsertRowid);
  }

  silence(id: number): SilenceRow | undefined {
    return this.q.get('SELECT * FROM silences WHERE id = ?').get(id) as SilenceRow | undefined;
  }

  /** Silences in force at `now`, newest first. */
  activeSilences(now: Date): SilenceRow[] {
    return this.q.get('SELECT * FROM silences WHERE starts_at <= ? AND ends_at > ? ORDER BY id DESC').all(now.toISOString(), now.toISOString()) as SilenceRow[];
  }

  /** The latest 1000 silences, newest first. */
  recentSilences(): SilenceRow[] {
    return this.q.get('SELECT * FROM silences ORDER BY id DESC LIMIT 1000').all() as SilenceRow[];
  }

  endSilence(id: number, at: Date): void {
    this.q.get('UPDATE silences SET ends_at = ? WHERE id = ?').run(at.toISOString(), id);
  }

  // --- feedback (analysts' verdicts for the scorer) ---

  addFeedback(f: FeedbackInput): void {
    this.q.get(`INSERT INTO feedback (at, incident_id, topic_id, verdict, actor, note, level, peak_risk, key_terms, reasons, posts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(f.at, f.incidentId, f.topicId, f.verdict, f.actor, f.note, f.level, f.peakRisk, f.keyTerms, f.reasons, JSON.stringify(f.posts));
  }

  /** The latest verdict of each incident since `since` (ISO), unless it is 'retracted', oldest first. */
  latestVerdicts(since: string): FeedbackStoredRow[] {
    return this.q.get(`SELECT * FROM feedback f WHERE f.id = (SELECT MAX(id) FROM feedback g WHERE g.incident_id = f.incident_id)
      AND f.verdict != 'retracted' AND f.at >= ? ORDER BY f.at`).all(since) as FeedbackStoredRow[];
  }
}
