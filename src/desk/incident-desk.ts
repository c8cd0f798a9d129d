// The response desk over the incidents table: acknowledge (from the one-click link or the
// dashboard), assign an owner, move the status along new → acknowledged → responding → resolved |
// false_alarm (transition table below), notes, and time-to-acknowledge / time-to-resolve. Every
// change writes audit_log and bumps last_activity_at (which the daily follow-up watches). A
// false-alarm verdict is kept in `feedback` for the scorer.
//
//   from \ to      acknowledged  responding  resolved  false_alarm
//   new                 ✓            ✓          ✓          ✓
//   acknowledged        -            ✓          ✓          ✓
//   responding          -            -          ✓          ✓
//   resolved            -            ✓ (reopen) -          -
//   false_alarm         -            ✓ (reopen) -          -
import type { Db } from '../db/connection.js';
import { storeOf } from '../db/store/index.js';
import type { IncidentDeskRow } from '../db/store/incidents-store.js';
import { UserError } from '../core/errors.js';
import { writeAudit } from './audit.js';
import { ConflictError, NotFoundError } from './errors.js';

export const DESK_STATUSES = ['new', 'acknowledged', 'responding', 'resolved', 'false_alarm'] as const;
export type DeskStatus = (typeof DESK_STATUSES)[number];

const TRANSITIONS: Record<DeskStatus, readonly DeskStatus[]> = {
  new: ['acknowledged', 'responding', 'resolved', 'false_alarm'],
  acknowledged: ['responding', 'resolved', 'false_alarm'],
  responding: ['resolved', 'false_alarm'],
  resolved: ['responding'],
  false_alarm: ['responding'],
};

export function canTransition(from: DeskStatus, to: DeskStatus): boolean { return TRANSITIONS[from].includes(to); }

export interface DeskIncident {
  id: string; topicId: string; title: string; level: string | null; status: DeskStatus; owner: string | null;
  openedAt: string; firstAlertedAt: string | null; acknowledgedAt: string | null; acknowledgedBy: string | null; closedAt: string | null;
  lastActivityAt: string | null; timeToAcknowledgeSeconds: number | null; timeToResolveSeconds: number | null;
  /** the incident this one was merged into (src/desk/merge-split.ts), and the one it was split from */
  mergedInto: string | null; splitFrom: string | null;
}

type Row = IncidentDeskRow & { status: DeskStatus };

function row(db: Db, id: string): Row {
  const r = storeOf(db).incidents.deskRow(id) as Row | undefined;
  if (!r) throw new NotFoundError(`incident '${id}' not found`);
  return r;
}

function view(r: Row): DeskIncident {
  return {
    id: r.id, topicId: r.topic_id, title: r.title, level: r.level, status: r.status, owner: r.owner, openedAt: r.opened_at,
    firstAlertedAt: r.first_alerted_at, acknowledgedAt: r.acknowledged_at, acknowledgedBy: r.acknowledged_by, closedAt: r.closed_at,
    lastActivityAt: r.last_activity_at, timeToAcknowledgeSeconds: r.tta_seconds, timeToResolveSeconds: r.ttr_seconds,
    mergedInto: r.merged_into ?? null, splitFrom: r.split_from ?? null,
  };
}

export function getDeskIncident(db: Db, id: string): DeskIncident { return view(row(db, id)); }

const since = (from: string | null, now: Date): number | null => (from ? Math.max(0, Math.round((now.getTime() - Date.parse(from)) / 1000)) : null);

/** Acknowledge: new → acknowledged; records who and when (once) and the time to acknowledge. */
export function acknowledgeIncident(db: Db, id: string, actor: string, now: Date, via: 'link' | 'dashboard' | 'api' = 'dashboard'): { incident: DeskIncident; already: boolean } {
  const stores = storeOf(db);
  return stores.atomic(() => {
    const r = row(db, id);
    if (r.status === 'resolved' || r.status === 'false_alarm') throw new ConflictError(`incident '${id}' is already ${r.status}`, 'reopen it first (status responding)');
    const already = r.acknowledged_at !== null;
    stores.incidents.acknowledge(id, actor, now, since(r.first_alerted_at ?? r.opened_at, now));
    writeAudit(db, now, actor, 'incident.ack', `incident:${id}`, { via, already });
    return { incident: getDeskIncident(db, id), already };
  });
}

export function assignOwner(db: Db, id: string, owner: string | null, actor: string, now: Date): DeskIncident {
  const o = owner?.trim() || null;
  if (o && o.length > 100) throw new UserError('owner name too long', 'use at most 100 characters');
  const stores = storeOf(db);
  return stores.atomic(() => {
    const r = row(db, id);
    stores.incidents.setOwner(id, o, now);
    writeAudit(db, now, actor, 'incident.assign', `incident:${id}`, { from: r.owner, to: o });
    return getDeskIncident(db, id);
  });
}

export function setIncidentStatus(db: Db, id: string, status: string, actor: string, now: Date, note?: string): DeskIncident {
  if (!(DESK_STATUSES as readonly string[]).includes(status)) throw new UserError(`unknown status '${status}'`, `use one of: ${DESK_STATUSES.join(', ')}`);
  const to = status as DeskStatus;
  const stores = storeOf(db);
  return stores.atomic(() => {
    const r = row(db, id);
    if (r.status === to) return view(r);
    if (r.merged_into) throw new ConflictError(`incident '${id}' was merged into '${r.merged_into}'`, `change the status of ${r.merged_into} instead`);
    if (!canTransition(r.status, to)) {
      throw new ConflictError(`incident '${id}' cannot go from ${r.status} to ${to}`, `from ${r.status} allowed: ${TRANSITIONS[r.status].join(', ')}`);
    }
    const t = now.toISOString();
    const base = r.first_alerted_at ?? r.opened_at;
    const closing = to === 'resolved' || to === 'false_alarm';
    const reopening = r.status === 'resolved' || r.status === 'false_alarm';
    stores.incidents.setStatus(id, to, actor, now, since(base, now), closing ? t : null, closing ? since(base, now) : reopening ? null : r.ttr_seconds);
    if (note?.trim()) addNoteRow(db, id, note, actor, now);
    if (to === 'false_alarm' || (r.status === 'false_alarm' && reopening)) {
      stores.alerts.addFeedback({
        at: t, incidentId: id, topicId: r.topic_id, verdict: to === 'false_alarm' ? 'false_alarm' : 'retracted', actor, note: note ?? null,
        level: r.level, peakRisk: r.peak_risk, keyTerms: r.key_terms, reasons: r.reasons, posts: stores.incidents.postKeys(id, 500),
      });
    }
    writeAudit(db, now, actor, 'incident.status', `incident:${id}`, { from: r.status, to, note: note || undefined });
    return getDeskIncident(db, id);
  });
}

function addNoteRow(db: Db, id: string, text: string, actor: string, now: Date): number {
  return storeOf(db).incidents.addNote(id, now, actor, text.trim());
}

export interface IncidentNote { id: number; at: string; author: string | null; text: string }

export function addIncidentNote(db: Db, id: string, text: unknown, actor: string, now: Date): IncidentNote {
  if (typeof text !== 'string' || !text.trim()) throw new UserError('empty note', 'send {"text": "..."}');
  if (text.length > 10_000) throw new UserError('note too long', 'use at most 10000 characters');
  const stores = storeOf(db);
  return stores.atomic(() => {
    row(db, id);
    const nid = addNoteRow(db, id, text, actor, now);
    stores.incidents.touchActivity(id, now);
    writeAudit(db, now, actor, 'incident.note', `incident:${id}`, { note: nid });
    return { id: nid, at: now.toISOString(), author: actor, text: text.trim() };
  });
}

export function listIncidentNotes(db: Db, id: string): IncidentNote[] {
  row(db, id);
  return storeOf(db).incidents.notes(id);
}

export interface FeedbackRow { id: number; at: string; incidentId: string; topicId: string | null; verdict: string; actor: string | null; note: string | null; level: string | null; peakRisk: number | null; keyTerms: string[]; reasons: string[]; posts: string[] }

/** Analyst verdicts for the scorer: the latest verdict per incident ('retracted' cancels a false alarm). */
export function listFeedback(db: Db, opts: { since?: string } = {}): FeedbackRow[] {
  const rows = storeOf(db).alerts.latestVerdicts(opts.since ?? '');
  const arr = (s: string | null): string[] => { try { const v = s ? JSON.parse(s) : []; return Array.isArray(v) ? v.map(String) : []; } catch { return []; } };
  return rows.map((r) => ({ id: r.id, at: r.at, incidentId: r.incident_id, topicId: r.topic_id, verdict: r.verdict, actor: r.actor, note: r.note, level: r.level, peakRisk: r.peak_risk, keyTerms: arr(r.key_terms), reasons: arr(r.reasons), posts: arr(r.posts) }));
}
