// The incident workflow, silences and delivery receipts the dashboard calls. The alerting
// colleague's router (src/alerting/http-routes.ts, mounted through AppDeps.apiRouters first) owns
// these endpoints when present; these handlers answer only when nothing before them did, so the
// dashboard works (and is tested) in a process without the alerting pipeline.
import { Router } from 'express';
import type { AppDeps } from '../app-deps.js';
import { requireRole } from '../security.js';
import { audit, int, sendError, str, HttpNotFound } from '../route-helpers.js';
import { createSilence, expireSilence, listSilences } from '../../desk/silences.js';
import { listAudit } from '../../desk/audit.js';
import { ConflictError } from '../../desk/errors.js';
import { UserError } from '../../core/errors.js';

const STATUSES = ['new', 'acknowledged', 'responding', 'resolved', 'false_alarm'] as const;

export function deskFallbackRoutes(deps: AppDeps): Router {
  const r = Router();
  const db = deps.db;
  const incident = (id: string) => {
    const row = db.prepare('SELECT id, status, first_alerted_at, opened_at FROM incidents WHERE id = ?').get(id) as
      { id: string; status: string; first_alerted_at: string | null; opened_at: string } | undefined;
    if (!row) throw new HttpNotFound(`no such incident '${id}'`);
    return row;
  };
  const secondsSince = (iso: string | null, now: Date) => (iso ? Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000)) : null);

  r.post('/incidents/:id/ack', requireRole('analyst'), (req, res) => {
    try {
      const now = deps.now();
      const inc = incident(req.params.id as string);
      if (inc.status === 'resolved' || inc.status === 'false_alarm') throw new ConflictError(`incident is already ${inc.status}`, 'reopen it by setting the status to responding');
      db.prepare(`UPDATE incidents SET status = CASE WHEN status = 'new' THEN 'acknowledged' ELSE status END,
          acknowledged_at = coalesce(acknowledged_at, ?), acknowledged_by = coalesce(acknowledged_by, ?),
          tta_seconds = coalesce(tta_seconds, ?), last_activity_at = ? WHERE id = ?`)
        .run(now.toISOString(), req.user!.username, secondsSince(inc.first_alerted_at ?? inc.opened_at, now), now.toISOString(), inc.id);
      audit(db, now, req.user!.username, 'incident.ack', `incident:${inc.id}`);
      res.json({ ok: true, incident: db.prepare('SELECT id, status, acknowledged_at AS acknowledgedAt, acknowledged_by AS acknowledgedBy FROM incidents WHERE id = ?').get(inc.id) });
    } catch (e) { sendError(res, e); }
  });

  r.post('/incidents/:id/assign', requireRole('analyst'), (req, res) => {
    try {
      const now = deps.now();
      const inc = incident(req.params.id as string);
      const owner = str((req.body as { owner?: unknown })?.owner)?.trim() ?? null;
      if (owner && owner.length > 100) throw new UserError('owner name too long', 'use at most 100 characters');
      db.prepare('UPDATE incidents SET owner = ?, last_activity_at = ? WHERE id = ?').run(owner, now.toISOString(), inc.id);
      audit(db, now, req.user!.username, 'incident.assign', `incident:${inc.id}`, { owner });
      res.json({ ok: true, owner });
    } catch (e) { sendError(res, e); }
  });

  r.post('/incidents/:id/status', requireRole('analyst'), (req, res) => {
    try {
      const now = deps.now();
      const inc = incident(req.params.id as string);
      const status = str((req.body as { status?: unknown })?.status);
      if (!status || !(STATUSES as readonly string[]).includes(status)) throw new UserError(`unknown status '${status ?? ''}'`, `use one of: ${STATUSES.join(', ')}`);
      const closing = status === 'resolved' || status === 'false_alarm';
      db.prepare(`UPDATE incidents SET status = ?, closed_at = ?, last_activity_at = ?,
          ttr_seconds = CASE WHEN ? THEN ? ELSE ttr_seconds END,
          acknowledged_at = CASE WHEN ? != 'new' THEN coalesce(acknowledged_at, ?) ELSE acknowledged_at END,
          acknowledged_by = CASE WHEN ? != 'new' THEN coalesce(acknowledged_by, ?) ELSE acknowledged_by END WHERE id = ?`)
        .run(status, closing ? now.toISOString() : null, now.toISOString(), closing ? 1 : 0, secondsSince(inc.first_alerted_at ?? inc.opened_at, now),
          status, now.toISOString(), status, req.user!.username, inc.id);
      const note = str((req.body as { note?: unknown })?.note);
      if (note) db.prepare('INSERT INTO incident_notes (incident_id, at, author, text) VALUES (?, ?, ?, ?)').run(inc.id, now.toISOString(), req.user!.username, note.slice(0, 10_000));
      audit(db, now, req.user!.username, 'incident.status', `incident:${inc.id}`, { from: inc.status, to: status });
      res.json({ ok: true, status });
    } catch (e) { sendError(res, e); }
  });

  r.post('/incidents/:id/notes', requireRole('analyst'), (req, res) => {
    try {
      const now = deps.now();
      const inc = incident(req.params.id as string);
      const text = str((req.body as { text?: unknown })?.text)?.trim();
      if (!text) throw new UserError('empty note', 'send {"text": "..."}');
      if (text.length > 10_000) throw new UserError('note too long', 'use at most 10000 characters');
      const id = db.prepare('INSERT INTO incident_notes (incident_id, at, author, text) VALUES (?, ?, ?, ?)').run(inc.id, now.toISOString(), req.user!.username, text).lastInsertRowid;
      db.prepare('UPDATE incidents SET last_activity_at = ? WHERE id = ?').run(now.toISOString(), inc.id);
      audit(db, now, req.user!.username, 'incident.note', `incident:${inc.id}`);
      res.json({ ok: true, note: { id: Number(id), at: now.toISOString(), author: req.user!.username, text } });
    } catch (e) { sendError(res, e); }
  });

  r.get('/incidents/:id/notes', requireRole('viewer'), (req, res) => {
    try {
      incident(req.params.id as string);
      res.json({ notes: db.prepare('SELECT id, at, author, text FROM incident_notes WHERE incident_id = ? ORDER BY at, id').all(req.params.id) });
    } catch (e) { sendError(res, e); }
  });

  r.get('/incidents/:id/audit', requireRole('viewer'), (req, res) => {
    try {
      incident(req.params.id as string);
      res.json({ audit: listAudit(db, `incident:${String(req.params.id)}`) });
    } catch (e) { sendError(res, e); }
  });

  r.get('/deliveries', requireRole('viewer'), (req, res) => {
    const alertId = int(req.query.alert, 0, Number.MAX_SAFE_INTEGER);
    const rows = db.prepare(`SELECT id, alert_id AS alertId, receiver, channel, status, attempts, created_at AS createdAt, sent_at AS sentAt, last_error AS lastError
      FROM deliveries ${alertId ? 'WHERE alert_id = ? OR notification_id IN (SELECT notification_id FROM notification_alerts WHERE alert_id = ?)' : ''} ORDER BY id DESC LIMIT ?`)
      .all(...(alertId ? [alertId, alertId] : []), int(req.query.limit, 200, 2000)) as Record<string, unknown>[];
    const attempts = db.prepare('SELECT at, ok, status_code AS statusCode, detail, ms FROM delivery_attempts WHERE delivery_id = ? ORDER BY at');
    res.json({ deliveries: rows.map((d) => ({ ...d, attempts: attempts.all(d.id) })) });
  });

  r.get('/silences', requireRole('viewer'), (req, res) => {
    res.json({ silences: listSilences(db, deps.now(), { active: req.query.active === '1' }) });
  });
  r.post('/silences', requireRole('analyst'), (req, res) => {
    try { res.status(201).json({ silence: createSilence(db, req.body, req.user!.username, deps.now()) }); } catch (e) { sendError(res, e); }
  });
  r.delete('/silences/:id', requireRole('analyst'), (req, res) => {
    try { res.json({ silence: expireSilence(db, Number(req.params.id), req.user!.username, deps.now()) }); } catch (e) { sendError(res, e); }
  });

  r.post('/channels/test', requireRole('admin'), (_req, res) => {
    res.status(503).json({ error: 'alerting is not running in this process', hint: 'start flarewatch with `flarewatch start` to send test messages' });
  });
  return r;
}
