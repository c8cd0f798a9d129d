// POST /api/v1/observations: a JSON array or NDJSON of observations (bearer token). Each item is
// validated; valid ones are stored durably before the answer, invalid ones are reported by index.
import express, { Router } from 'express';
import type { AppDeps } from '../app-deps.js';
import { toObservation, ObservationError, type Observation } from '../../core/observation.js';
import { rateLimit, requireRole } from '../security.js';

const MAX_BODY = '20mb';

export function ingestRoutes(deps: AppDeps): Router {
  const r = Router();
  const limiter = rateLimit({ windowMs: 60_000, max: 1200, now: deps.now, key: (req) => req.user?.username ?? req.ip ?? '', message: 'ingest rate limit: at most 1200 requests a minute per token' });
  r.post('/observations', requireRole('viewer'), (req, res, next) => {
    if (req.user?.role === 'viewer') return void res.status(403).json({ error: 'viewers cannot ingest' });
    next();
  }, limiter, express.text({ type: ['application/x-ndjson', 'application/jsonl', 'text/plain', 'application/json'], limit: MAX_BODY }), (req, res) => {
    if (!deps.ingest) return void res.status(503).json({ error: 'ingest is not running in this process' });
    const body = typeof req.body === 'string' ? req.body : '';
    let items: unknown[];
    const trimmed = body.trimStart();
    try {
      if (trimmed.startsWith('[')) items = JSON.parse(body) as unknown[];
      else items = body.split('\n').filter((l) => l.trim()).map((l, i) => {
        try { return JSON.parse(l) as unknown; } catch { return new ObservationError('not valid JSON', i + 1); }
      });
    } catch (e) {
      return void res.status(400).json({ error: `body is not valid JSON: ${(e as Error).message}`, hint: 'send a JSON array or one JSON object per line (NDJSON)' });
    }
    if (!Array.isArray(items)) return void res.status(400).json({ error: 'expected a JSON array of observations' });
    const ok: Observation[] = [];
    const rejected: { index: number; error: string }[] = [];
    items.forEach((it, i) => {
      try {
        if (it instanceof ObservationError) throw it;
        ok.push(toObservation(it));
      } catch (e) {
        rejected.push({ index: i, error: (e as Error).message });
      }
    });
    if (ok.length) deps.ingest(ok, deps.now());
    res.status(rejected.length && !ok.length ? 400 : 200).json({ accepted: ok.length, rejected });
  });
  return r;
}
