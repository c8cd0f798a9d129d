// Evidence archive over HTTP: list an incident's screenshots and HTML snapshots (viewer), serve one
// file (analyst: a snapshot is whatever the post's URL showed; sent as an attachment with a
// sandboxing CSP, never rendered in the dashboard's origin), and archive now on request (analyst).
import { Router } from 'express';
import { existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { AppDeps } from '../app-deps.js';
import { requireRole } from '../security.js';
import { audit } from '../route-helpers.js';
import { archiveIncidentEvidence, evidenceRoot } from '../../evidence/archive.js';

export function evidenceRoutes(deps: AppDeps): Router {
  const r = Router();
  const db = deps.db;
  const root = () => resolve(evidenceRoot(deps.env));

  r.get('/incidents/:id/evidence', requireRole('viewer'), (req, res) => {
    res.json({ evidence: db.prepare(`SELECT e.id, e.post_pk AS postPk, e.at, e.kind, e.sha256, p.url, p.source, p.ext_id AS postId
      FROM incident_evidence e LEFT JOIN posts p ON p.pk = e.post_pk WHERE e.incident_id = ? ORDER BY e.at DESC, e.id`).all(req.params.id) });
  });

  r.get('/evidence/:id/file', requireRole('analyst'), (req, res) => {
    const row = db.prepare('SELECT id, kind, path FROM incident_evidence WHERE id = ?').get(Number(req.params.id)) as { id: number; kind: string; path: string } | undefined;
    if (!row) return void res.status(404).json({ error: 'no such evidence' });
    const file = resolve(root(), row.path);
    if (!file.startsWith(root() + sep) || !existsSync(file)) return void res.status(404).json({ error: 'evidence file missing on disk' });
    res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'");
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (row.kind === 'screenshot') res.type('image/png');
    else res.setHeader('Content-Disposition', `attachment; filename="evidence-${row.id}.html"`).type('application/octet-stream');
    res.sendFile(file);
  });

  r.post('/incidents/:id/evidence', requireRole('analyst'), async (req, res) => {
    const id = String(req.params.id);
    if (!db.prepare('SELECT 1 FROM incidents WHERE id = ?').get(id)) return void res.status(404).json({ error: 'no such incident' });
    audit(db, deps.now(), req.user!.username, 'incident.evidence', `incident:${id}`);
    const result = await archiveIncidentEvidence(db, id, { env: deps.env, now: deps.now, force: true, maxPosts: 5 });
    res.json(result);
  });
  return r;
}
