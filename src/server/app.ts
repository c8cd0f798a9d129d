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
import { savedSearchRoutes } from './routes/saved-search-routes.js';
import { rulesRoutes } from './routes/rules-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { tokenRoutes } from './routes/token-routes.js';
import { sourceRoutes } from './routes/source-routes.js';
import { accountRoutes } from './routes/account-routes.js';
import { settingsRoutes } from './routes/settings-routes.js';
import { evidenceRoutes } from './routes/evidence-routes.js';
import { reportRoutes } from './routes/report-routes.js';
import { createAckLinkRouter, createAlertingRouter } from '../alerting/http-routes.js';
import { trustProxySetting } from './trust-proxy.js';
import { bodyTooLarge, JSON_MAX_BYTES } from './body-limits.js';
import { DASHBOARD_DIR } from '../core/paths.js';

export type { AppDeps } from './app-deps.js';

/**
 * Desk paths also answered at the root (older links and clients): they go through the same
 * authenticated /api/v1 chain, so they need a session exactly as there and never fall through
 * to the dashboard page.
 */
const DESK_AT_ROOT = /^\/(?:deliveries|silences|feedback|alerting|channels)(?:\/|$)|^\/incidents\/[^/]+\/(?:desk|notes|audit|ack|assign|status|merge|split)\/?$/;

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(deps.env.trustProxy));
  app.use(securityHeaders());
  app.use(opsRoutes(deps));
  app.use(createAckLinkRouter(deps));
  for (const r of deps.publicRouters ?? []) app.use(r);

  const api = express.Router();
  api.use(authenticate(deps.db, deps.now));
  api.use(ingestRoutes(deps)); // reads its own body (JSON array or NDJSON)
  api.use(express.json({ limit: JSON_MAX_BYTES }));
  api.use(csrfProtection());
  api.use(sessionRoutes(deps));
  api.use(liveRoutes(deps));
  api.use(createAlertingRouter({ db: deps.db, notifier: deps.notifier, secret: deps.secret, now: deps.now, llm: deps.env.llm ?? null })); // the desk
  for (const r of deps.apiRouters ?? []) api.use(r);
  api.use(postRoutes(deps));
  api.use(savedSearchRoutes(deps));
  api.use(rulesRoutes(deps));
  api.use(userRoutes(deps));
  api.use(tokenRoutes(deps));
  api.use(sourceRoutes(deps));
  api.use(accountRoutes(deps));
  api.use(settingsRoutes(deps));
  api.use(evidenceRoutes(deps));
  api.use(reportRoutes(deps));
  api.use(readRoutes(deps));
  api.use((_req, res) => void res.status(404).json({ error: 'no such endpoint' }));
  app.use('/api/v1', api);
  app.use((req, res, next) => (DESK_AT_ROOT.test(req.path) ? api(req, res, next) : next()));

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
    if (bodyTooLarge(err)) return void res.status(413).json(bodyTooLarge(err));
    const status = (err as { status?: number }).status ?? 500;
    if (status >= 500) console.error(err);
    res.status(status).json({ error: status >= 500 ? 'internal error' : (err as Error).message });
  };
  app.use(onError);
  return app;
}
