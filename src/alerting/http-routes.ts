// HTTP routes for alerting and the response desk (the one implementation of ack, assign, status,
// notes, audit, deliveries, silences; bulk actions and incident briefs), mounted by the web app
// under /api/v1 after authentication and CSRF; the one-click `/ack/:token` link is a separate
// router mounted at the root, where the signed token is the only authority. The app sets
// req.user = {id, username, role}; reads need a signed-in caller (401 JSON otherwise), writes role
// analyst or admin (403). Errors map by class: UserError 400, NotFound 404, Conflict 409.
import express, { Router, type Request, type Response } from 'express';
import type { Db } from '../db/connection.js';
import { storeOf } from '../db/store/index.js';
import type { Notifier } from './notifier.js';
import { UnknownReceiverError } from './notifier.js';
import { UserError } from '../core/errors.js';
import { listDeliveries, listWarnings, clearWarning } from './outbox.js';
import { createSilence, expireSilence, listSilences, previewSilence } from '../desk/silences.js';
import { listAudit } from '../desk/audit.js';
import { ConflictError, NotFoundError } from '../desk/errors.js';
import { acknowledgeIncident, addIncidentNote, assignOwner, getDeskIncident, listFeedback, listIncidentNotes, setIncidentStatus } from '../desk/incident-desk.js';
import { mergeIncidents, splitIncident } from '../desk/merge-split.js';
import { applyBulkAction, parseBulkRequest } from '../desk/bulk-actions.js';
import { createBriefService } from '../desk/brief-service.js';
import type { LlmEnv } from '../config/env.js';

// the one-click acknowledge link's router lives in ack-page.ts (its pages, form and style sheet)
export { createAckLinkRouter, LINK_PREVIEW_UA, type AckLinkRouterDeps } from './ack-page.js';

export interface AlertingRouterDeps {
  db: Db;
  /** the running notifier; without one (a process that does not send), receivers and warnings config are empty and channel tests answer 503 */
  notifier?: Notifier | null;
  secret: string;
  now: () => Date;
  /** the endpoint that writes incident briefs (env.llm); without one briefs are extractive and nothing is sent */
  llm?: LlmEnv | null;
}

interface User { id?: number; username?: string; role?: string }
const userOf = (req: Request): User | undefined => (req as unknown as { user?: User }).user;
const actorOf = (req: Request): string => userOf(req)?.username ?? 'unknown';

/** Reads of desk data need a signed-in caller (session or token) whatever router they are mounted in. */
function canRead(req: Request, res: Response): boolean {
  if (userOf(req)?.role) return true;
  res.status(401).json({ error: 'sign in first', hint: 'POST /api/v1/session or send Authorization: Bearer <token>' });
  return false;
}

function canWrite(req: Request, res: Response): boolean {
  if (!canRead(req, res)) return false;
  const role = userOf(req)?.role;
  if (role === 'analyst' || role === 'admin') return true;
  res.status(403).json({ error: 'this action needs the analyst or admin role', hint: role ? `you are signed in as ${role}` : 'sign in first' });
  return false;
}

function fail(res: Response, e: unknown): void {
  if (e instanceof NotFoundError) { res.status(404).json({ error: e.message.split('\n')[0] }); return; }
  if (e instanceof ConflictError) { res.status(409).json({ error: e.message.split('\n')[0], hint: e.hint ?? null }); return; }
  if (e instanceof UnknownReceiverError) { res.status(404).json({ error: e.message }); return; }
  if (e instanceof UserError) { res.status(400).json({ error: e.message.split('\n')[0], hint: e.hint ?? null }); return; }
  res.status(500).json({ error: 'internal error' });
}

export function createAlertingRouter(deps: AlertingRouterDeps): Router {
  const { db, notifier } = deps;
  const r = Router();
  const json = express.json({ limit: '100kb' });
  const body = (req: Request): Record<string, unknown> => (req.body && typeof req.body === 'object' ? req.body as Record<string, unknown> : {});
  const idParam = (req: Request): string => String(req.params.id);
  const briefs = createBriefService(db, { llm: deps.llm, now: deps.now });

  r.get('/deliveries', (req, res) => {
    if (!canRead(req, res)) return;
    try {
      const alert = req.query.alert !== undefined ? Number(req.query.alert) : undefined;
      if (alert !== undefined && !Number.isInteger(alert)) throw new UserError('alert must be an integer id', 'e.g. /deliveries?alert=12');
      const incident = typeof req.query.incident === 'string' ? req.query.incident : undefined;
      const decisions = alert !== undefined
        ? storeOf(db).alerts.decisions(alert)
        : [];
      res.json({ deliveries: listDeliveries(db, { alertId: alert, incidentId: incident, limit: 200 }), decisions });
    } catch (e) { fail(res, e); }
  });

  r.get('/alerting/warnings', (req, res) => {
    if (!canRead(req, res)) return;
    res.json({ warnings: listWarnings(db, { includeCleared: req.query.all === '1' }), config: notifier?.config.warnings ?? [] });
  });
  r.post('/alerting/warnings/:id/clear', (req, res) => {
    if (!canWrite(req, res)) return;
    res.json({ ok: clearWarning(db, Number(req.params.id), deps.now()) });
  });
  r.get('/alerting/receivers', (req, res) => {
    if (!canRead(req, res)) return;
    res.json({ receivers: [...(notifier?.config.receivers.values() ?? [])].map((x) => ({ name: x.name, channels: x.channels.map((c) => c.type) })) });
  });
  r.get('/feedback', (req, res) => {
    if (!canRead(req, res)) return;
    res.json({ feedback: listFeedback(db, { since: typeof req.query.since === 'string' ? req.query.since : undefined }) });
  });

  r.get('/silences', (req, res) => {
    if (!canRead(req, res)) return;
    res.json({ silences: listSilences(db, deps.now(), { active: req.query.active === '1' || req.query.active === 'true' }) });
  });
  r.post('/silences', json, (req, res) => {
    if (!canWrite(req, res)) return;
    try { res.status(201).json({ silence: createSilence(db, body(req), actorOf(req), deps.now()) }); } catch (e) { fail(res, e); }
  });
  // which open incidents a silence would catch, before it is saved (same body as POST /silences)
  r.post('/silences/preview', json, (req, res) => {
    if (!canRead(req, res)) return;
    try { res.json(previewSilence(db, body(req))); } catch (e) { fail(res, e); }
  });
  r.delete('/silences/:id', (req, res) => {
    if (!canWrite(req, res)) return;
    try {
      const id = Number(req.params.id);
      if (!Number.isInteger(id)) throw new UserError('silence id must be an integer');
      res.json({ silence: expireSilence(db, id, actorOf(req), deps.now()) });
    } catch (e) { fail(res, e); }
  });

  // several incidents at once: {"ids": [...], "action": "ack" | "assign" (owner) | "status" (status, note?)}; each one's outcome in results
  r.post('/incidents/bulk', json, (req, res) => {
    if (!canWrite(req, res)) return;
    try { res.json(applyBulkAction(db, parseBulkRequest(body(req)), actorOf(req), deps.now())); } catch (e) { fail(res, e); }
  });
  r.get('/incidents/:id/desk', (req, res) => {
    if (!canRead(req, res)) return;
    try { res.json({ incident: getDeskIncident(db, idParam(req)) }); } catch (e) { fail(res, e); }
  });
  r.post('/incidents/:id/ack', json, (req, res) => {
    if (!canWrite(req, res)) return;
    try {
      const { incident, already } = acknowledgeIncident(db, idParam(req), actorOf(req), deps.now(), 'dashboard');
      res.json({ ok: true, already, incident });
    } catch (e) { fail(res, e); }
  });
  r.post('/incidents/:id/assign', json, (req, res) => {
    if (!canWrite(req, res)) return;
    try {
      const owner = body(req).owner;
      if (owner !== null && owner !== undefined && typeof owner !== 'string') throw new UserError('owner must be a string or null', 'send {"owner": "alice"}');
      res.json({ ok: true, incident: assignOwner(db, idParam(req), (owner as string | null | undefined) ?? null, actorOf(req), deps.now()) });
    } catch (e) { fail(res, e); }
  });
  r.post('/incidents/:id/status', json, (req, res) => {
    if (!canWrite(req, res)) return;
    try {
      const b = body(req);
      if (typeof b.status !== 'string') throw new UserError('status is required', 'send {"status": "responding"}');
      res.json({ ok: true, incident: setIncidentStatus(db, idParam(req), b.status, actorOf(req), deps.now(), typeof b.note === 'string' ? b.note : undefined) });
    } catch (e) { fail(res, e); }
  });
  r.post('/incidents/:id/notes', json, (req, res) => {
    if (!canWrite(req, res)) return;
    try { res.status(201).json({ note: addIncidentNote(db, idParam(req), body(req).text, actorOf(req), deps.now()) }); } catch (e) { fail(res, e); }
  });
  // merge {"from": ["inc-3", ...]} into this incident; split {"posts": ["weibo:123", ...], "title"?} out of it into a new one
  r.post('/incidents/:id/merge', json, (req, res) => {
    if (!canWrite(req, res)) return;
    try { res.json({ ok: true, ...mergeIncidents(db, idParam(req), body(req).from, actorOf(req), deps.now()) }); } catch (e) { fail(res, e); }
  });
  r.post('/incidents/:id/split', json, (req, res) => {
    if (!canWrite(req, res)) return;
    try { res.status(201).json({ ok: true, ...splitIncident(db, idParam(req), body(req), actorOf(req), deps.now()) }); } catch (e) { fail(res, e); }
  });
  // what happened, who is affected, what is being said (src/desk/brief-service.ts); ?lang=zh-CN (default) or en
  r.get('/incidents/:id/brief', async (req, res) => {
    if (!canRead(req, res)) return;
    try {
      const l = req.query.lang === undefined ? 'zh-CN' : String(req.query.lang);
      const lang = l === 'zh-CN' || l === 'zh' ? 'zh-CN' : l === 'en' ? 'en' : null;
      if (!lang) throw new UserError(`unknown lang '${l.slice(0, 20)}'`, 'use lang=zh-CN or lang=en');
      res.json({ brief: await briefs.brief(idParam(req), lang) });
    } catch (e) { fail(res, e); }
  });
  r.get('/incidents/:id/notes', (req, res) => {
    if (!canRead(req, res)) return;
    try { res.json({ notes: listIncidentNotes(db, idParam(req)) }); } catch (e) { fail(res, e); }
  });
  r.get('/incidents/:id/audit', (req, res) => {
    if (!canRead(req, res)) return;
    try {
      getDeskIncident(db, idParam(req));
      res.json({ audit: listAudit(db, `incident:${idParam(req)}`) });
    } catch (e) { fail(res, e); }
  });

  r.post('/channels/test', json, async (req, res) => {
    if (!canWrite(req, res)) return;
    try {
      const { receiver, channel } = body(req);
      if (typeof receiver !== 'string' || !receiver) throw new UserError('receiver is required', 'send {"receiver": "pr-desk"} (optionally "channel": "wecom")');
      if (channel !== undefined && typeof channel !== 'string') throw new UserError('channel must be a string');
      if (!notifier) return void res.status(503).json({ error: 'alerting is not running in this process', hint: 'start flarewatch with `flarewatch start` to send test messages' });
      const deliveries = await notifier.testReceiver(receiver, channel as string | undefined);
      res.json({ ok: deliveries.length > 0 && deliveries.every((d) => d.status === 'sent'), deliveries });
    } catch (e) { fail(res, e); }
  });
  return r;
}
