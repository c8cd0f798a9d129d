// Evidence archive over HTTP: list an incident's screenshots and HTML snapshots (viewer), serve one
// file (analyst: a snapshot is whatever the post's URL showed; sent as an attachment with a
// sandboxing CSP, never rendered in the dashboard's origin), and archive now on request (analyst).
import { Router } from 'express';
import { existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { AppDeps } from '../app-deps.js';
import { requireRole } from '../security.js';
import { audit } from '../route-helpers.js';
import { storeOf } from '../../db/store/index.js';
import { archiveIncidentEvidence, evidenceRoot } from '../../evidence/archive.js';

export function evidenceRoutes(deps: AppDeps): Router {
  const r = Router();
  const db = deps.db;
  const store = storeOf(db);
  const root = () => resolve(evidenceRoot(deps.env));

  r.get('/incidents/:id/evidence', requireRole('viewer'), (req, res) => {
    res.json({ evidence: store.sources.evidenceOf(String(req.params.id)) });
  });

  r.get('/evidence/:id/file', requireRole('analyst'), (req, res) => {
    const row = store.sources.evidenceFile(Number(req.params.id));
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
    if (!store.reads.incidentExists(id)) return void res.status(404).json({ error: 'no such incident' });
    audit(db, deps.now(), req.user!.username, 'incident.evidence', `incident:${id}`);
    const result = await archiveIncidentEvidence(db, id, { env: deps.env, now: deps.now, force: true, maxPosts: 5 });
    res.json(result);
  });
  return r;
}
