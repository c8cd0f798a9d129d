// GET /api/v1/stream: Server-Sent Events feed of new alerts for the dashboard (no reload needed).
import { Router } from 'express';
import type { AppDeps } from '../app-deps.js';
import { toContractAlert, type AlertRecord } from '../../core/alert.js';
import { requireRole } from '../security.js';

export function liveRoutes(deps: AppDeps): Router {
  const r = Router();
  r.get('/stream', requireRole('viewer'), (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(`retry: 5000\n: connected\n\n`);
    const onAlert = (a: AlertRecord) => res.write(`id: ${a.id ?? ''}\nevent: alert\ndata: ${JSON.stringify({ id: a.id, ...toContractAlert(a), kind: a.kind })}\n\n`);
    deps.events?.on('alert', onAlert);
    const ping = setInterval(() => res.write(': ping\n\n'), 25_000);
    req.on('close', () => { clearInterval(ping); deps.events?.off('alert', onAlert); });
  });
  return r;
}
