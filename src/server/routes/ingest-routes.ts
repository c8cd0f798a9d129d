// POST /api/v1/observations: a JSON array or NDJSON of observations (bearer token, or a session
// with its CSRF token). Each item is validated; valid ones are stored durably before the answer,
// invalid ones are reported by index. Other content types are refused (415) instead of being read
// as nothing; bodies are bounded (413) and big batches are stored in chunks that yield to the
// event loop between them, so one large ingest does not starve the readers.
import express, { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../app-deps.js';
import { itemKey, toObservation, ObservationError, type Observation } from '../../core/observation.js';
import { csrfProtection, rateLimit, requireRole } from '../security.js';
import { INGEST_MAX_BYTES } from '../body-limits.js';

/** Content types whose body is read as a JSON array or NDJSON. */
export const INGEST_TYPES = ['application/json', 'application/x-ndjson', 'application/ndjson', 'application/jsonl', 'text/plain'] as const;
/** Observations handed to the pipeline per step; the event loop gets a turn between steps. */
export const INGEST_CHUNK = 250;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function refuseUnreadable(req: Request, res: Response): boolean {
  if (req.is([...INGEST_TYPES])) return false;
  const sent = req.get('content-type');
  res.status(415).json({
    error: sent ? `cannot read Content-Type '${sent.split(';')[0].trim()}'` : 'no Content-Type: cannot tell how to read the body',
    hint: 'send a JSON array of observations (Content-Type: application/json) or NDJSON, one observation per line (Content-Type: application/x-ndjson)',
    accepted: INGEST_TYPES,
  });
  return true;
}

export function ingestRoutes(deps: AppDeps): Router {
  const r = Router();
  const limiter = rateLimit({ windowMs: 60_000, max: 1200, now: deps.now, key: (req) => req.user?.username ?? req.ip ?? '', message: 'ingest rate limit: at most 1200 requests a minute per token' });
  r.post('/observations', requireRole('viewer'), (req, res, next) => {
    if (req.user?.role === 'viewer') return void res.status(403).json({ error: 'viewers cannot ingest' });
    next();
  }, csrfProtection(), limiter, (req, res, next) => {
    if (!refuseUnreadable(req, res)) next();
  }, express.text({ type: () => true, limit: INGEST_MAX_BYTES }), async (req, res) => {
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
    // validate and store chunk by chunk, giving the event loop a turn in between
    const now = deps.now();
    const rejected: { index: number; item: string | null; error: string }[] = [];
    let accepted = 0;
    try {
      for (let start = 0; start < items.length; start += INGEST_CHUNK) {
        if (start > 0) await yieldToLoop();
        const chunk: Observation[] = [];
        for (let i = start; i < Math.min(items.length, start + INGEST_CHUNK); i++) {
          try {
            const it = items[i];
            if (it instanceof ObservationError) throw it;
            chunk.push(toObservation(it, undefined, { now })); // bounds (core/observation-limits.ts) before anything is stored
          } catch (e) {
            rejected.push({ index: i, item: itemKey(items[i]), error: e instanceof ObservationError ? e.reason : (e as Error).message });
          }
        }
        if (chunk.length) deps.ingest(chunk, now);
        accepted += chunk.length;
      }
    } catch (e) {
      if (!accepted) throw e;
      console.error(e);
      return void res.status(500).json({ error: 'internal error while storing the batch', accepted, rejected,
        hint: `the first ${accepted} valid observations were stored; resend the rest (resending stored ones is harmless)` });
    }
    if (rejected.length && !accepted) {
      const first = rejected[0];
      return void res.status(400).json({ error: `nothing stored: ${rejected.length} observation(s) refused; item ${first.index}${first.item ? ` (${first.item})` : ''}: ${first.error}`, accepted, rejected });
    }
    res.status(200).json({ accepted, rejected });
  });
  return r;
}
