// Bulk desk actions (PagerDuty-style): acknowledge, assign or set the status of several incidents
// in one request. Each incident goes through the desk's own functions (incident-desk.ts: the same
// transition table, audit rows and timings as one at a time), in its own transaction, so one
// refusal never undoes or blocks the others; the answer reports every incident's outcome: done,
// unchanged (already so), or refused with the reason and a hint. Each incident also gets an
// `incident.bulk` audit row naming the batch, whether its action was done or refused.
import type { Db } from '../db/connection.js';
import { UserError } from '../core/errors.js';
import { writeAudit } from './audit.js';
import { ConflictError, NotFoundError } from './errors.js';
import { DESK_STATUSES, acknowledgeIncident, assignOwner, getDeskIncident, setIncidentStatus, type DeskIncident } from './incident-desk.js';

export const BULK_ACTIONS = ['ack', 'assign', 'status'] as const;
export type BulkActionName = (typeof BULK_ACTIONS)[number];
/** At most this many incidents per request. */
export const BULK_MAX_IDS = 200;

export type BulkRequest =
  | { ids: string[]; action: 'ack' }
  | { ids: string[]; action: 'assign'; owner: string | null }
  | { ids: string[]; action: 'status'; status: string; note?: string };

export interface BulkItemResult {
  id: string;
  ok: boolean;
  /** ok: the incident changed (false: it already was so, e.g. acknowledged before) */
  changed?: boolean;
  /** refused: not_found (no such incident), conflict (the desk's rules refuse it now), invalid */
  code?: 'not_found' | 'conflict' | 'invalid';
  error?: string;
  hint?: string | null;
  /** the incident after the action (ok), or as it is (refused, when it exists) */
  incident?: Pick<DeskIncident, 'id' | 'status' | 'owner' | 'acknowledgedAt' | 'acknowledgedBy' | 'mergedInto'>;
}

export interface BulkResult {
  /** every incident was done (or already so) */
  ok: boolean;
  action: BulkActionName;
  done: number;
  unchanged: number;
  refused: number;
  results: BulkItemResult[];
}

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

/** Checks a request body ({"ids": [...], "action": ..., ...}); UserError (400) says what is wrong. */
export function parseBulkRequest(body: unknown): BulkRequest {
  const b = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  const { ids, action } = b;
  if (!Array.isArray(ids) || ids.length === 0) throw new UserError('ids must be a non-empty list of incident ids', 'send {"ids": ["inc-1", "inc-2"], "action": "ack"}');
  if (ids.length > BULK_MAX_IDS) throw new UserError(`too many incidents: ${ids.length}`, `send at most ${BULK_MAX_IDS} ids a request`);
  const bad = ids.find((x) => typeof x !== 'string' || !ID_RE.test(x));
  if (bad !== undefined) throw new UserError(`not an incident id: ${JSON.stringify(bad).slice(0, 60)}`, 'ids look like "inc-12"');
  const unique = [...new Set(ids as string[])];
  if (typeof action !== 'string' || !(BULK_ACTIONS as readonly string[]).includes(action)) {
    throw new UserError(`unknown action ${JSON.stringify(action ?? null).slice(0, 40)}`, `use one of: ${BULK_ACTIONS.join(', ')}`);
  }
  if (action === 'ack') return { ids: unique, action };
  if (action === 'assign') {
    const owner = b.owner;
    if (owner !== null && owner !== undefined && typeof owner !== 'string') throw new UserError('owner must be a string or null', 'send {"action": "assign", "owner": "alice"} (null or "" clears it)');
    if (typeof owner === 'string' && owner.trim().length > 100) throw new UserError('owner name too long', 'use at most 100 characters');
    return { ids: unique, action, owner: typeof owner === 'string' ? owner : null };
  }
  const status = b.status;
  if (typeof status !== 'string' || !(DESK_STATUSES as readonly string[]).includes(status)) {
    throw new UserError(`status must be one of: ${DESK_STATUSES.join(', ')}`, 'send {"action": "status", "status": "responding"}');
  }
  if (b.note !== undefined && typeof b.note !== 'string') throw new UserError('note must be a string');
  if (typeof b.note === 'string' && b.note.length > 10_000) throw new UserError('note too long', 'use at most 10000 characters');
  return { ids: unique, action: 'status', status, note: typeof b.note === 'string' ? b.note : undefined };
}

const brief = (i: DeskIncident): BulkItemResult['incident'] => ({ id: i.id, status: i.status, owner: i.owner, acknowledgedAt: i.acknowledgedAt, acknowledgedBy: i.acknowledgedBy, mergedInto: i.mergedInto });

/**
 * Applies one action to each incident in turn. Never throws for one incident's refusal: that is
 * reported in its result. `now` is the caller's clock.
 */
export function applyBulkAction(db: Db, req: BulkRequest, actor: string, now: Date): BulkResult {
  const batch = `bulk-${now.getTime().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const results: BulkItemResult[] = req.ids.map((id) => {
    let before: DeskIncident;
    try { before = getDeskIncident(db, id); } catch (e) {
      if (e instanceof NotFoundError) return { id, ok: false, code: 'not_found', error: `incident '${id}' not found`, hint: null };
      throw e;
    }
    let result: BulkItemResult;
    try {
      if (before.mergedInto) throw new ConflictError(`incident '${id}' was merged into '${before.mergedInto}'`, `act on ${before.mergedInto} instead`);
      if (req.action === 'ack') {
        const { incident, already } = acknowledgeIncident(db, id, actor, now, 'dashboard');
        result = { id, ok: true, changed: !already, incident: brief(incident) };
      } else if (req.action === 'assign') {
        const to = req.owner?.trim() || null;
        if (before.owner === to) result = { id, ok: true, changed: false, incident: brief(before) };
        else result = { id, ok: true, changed: true, incident: brief(assignOwner(db, id, to, actor, now)) };
      } else {
        const incident = setIncidentStatus(db, id, req.status, actor, now, req.note);
        result = { id, ok: true, changed: before.status !== req.status, incident: brief(incident) };
      }
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      const code = e instanceof NotFoundError ? 'not_found' : e instanceof ConflictError ? 'conflict' : 'invalid';
      result = { id, ok: false, code, error: e.message.split('\n')[0], hint: e.hint ?? null, incident: brief(getDeskIncident(db, id)) };
    }
    writeAudit(db, now, actor, 'incident.bulk', `incident:${id}`, {
      batch, action: req.action, size: req.ids.length, outcome: !result.ok ? 'refused' : result.changed ? 'done' : 'unchanged',
      ...(req.action === 'assign' ? { owner: req.owner?.trim() || null } : req.action === 'status' ? { status: req.status } : {}),
      ...(result.ok ? {} : { error: result.error }),
    });
    return result;
  });
  const done = results.filter((r) => r.ok && r.changed).length;
  const unchanged = results.filter((r) => r.ok && !r.changed).length;
  return { ok: results.every((r) => r.ok), action: req.action, done, unchanged, refused: results.length - done - unchanged, results };
}
