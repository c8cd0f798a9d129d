// The web app factory: createApp(deps) builds the Express app (API + dashboard) without
// listening, so tests drive it in process and `start` serves it.
import express, { type ErrorRequestHandler } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppDeps } from './app-deps.js';
import { authenticate, csrfProtection, securityHeaders } from './security.js';
import { sessionRoutes } from './routes/session-routes.js';
import { ingestRoutes } from './routes/ingest-routes.js';
import { readRoutes } from './routes/read-routes.js';
import { liveRoutes } from './routes/live-routes.js';
import { opsRoutes } from './routes/ops-routes.js';
import { postRoutes } from './routes/post-routes.js';
import { rulesRoutes } from './routes/rules-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { sourceRoutes } from './routes/source-routes.js';
import { settingsRoutes } from './routes/settings-routes.js';
import { evidenceRoutes } from './routes/evidence-routes.js';
import { reportRoutes } from './routes/report-routes.js';
import { deskFallbackRoutes } from './routes/desk-fallback-routes.js';
import { DASHBOARD_DIR } from '../core/paths.js';

export type { AppDeps } from './app-deps.js';

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders());
  app.use(opsRoutes(deps));
  for (const r of deps.publicRouters ?? []) app.use(r);

  const api = express.Router();
  api.use(authenticate(deps.db, deps.now));
  api.use(ingestRoutes(deps)); // reads its own body (JSON array or NDJSON)
  api.use(express.json({ limit: '2mb' }));
  api.use(csrfProtection());
  api.use(sessionRoutes(deps));
  api.use(liveRoutes(deps));
  for (const r of deps.apiRouters ?? []) api.use(r);
  api.use(postRoutes(deps));
  api.use(rulesRoutes(deps));
  api.use(userRoutes(deps));
  api.use(sourceRoutes(deps));
  api.use(settingsRoutes(deps));
  api.use(evidenceRoutes(deps));
  api.use(reportRoutes(deps));
  api.use(deskFallbackRoutes(deps)); // after apiRouters: the alerting router's handlers win when mounted
  api.use(readRoutes(deps));
  api.use((_req, res) => void res.status(404).json({ error: 'no such endpoint' }));
  app.use('/api/v1', api);

  // dashboard: built assets (npm run build) and chart.js served locally
  const dist = join(DASHBOARD_DIR, 'dist');
  const pub = join(DASHBOARD_DIR, 'public');
  app.use('/assets', express.static(dist, { fallthrough: false, index: false }));
  app.use(express.static(pub, { index: 'index.html' }));
  app.get(/^\/(?!api\/).*/, (_req, res) => {
    const index = join(pub, 'index.html');
    if (existsSync(index)) res.sendFile(index);
    else res.status(404).type('text/plain').send('dashboard not built: run npm run build');
  });

  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    const status = (err as { status?: number }).status ?? 500;
    if (status >= 500) console.error(err);
    res.status(status).json({ error: status >= 500 ? 'internal error' : (err as Error).message });
  };
  app.use(onError);
  return app;
}
