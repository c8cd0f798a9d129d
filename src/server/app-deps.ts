// What the web app needs from the rest of the system. Tests pass fakes; `start` passes the real ones.
import type { EventEmitter } from 'node:events';
import type { Router } from 'express';
import type { Db } from '../db/connection.js';
import type { Env } from '../config/env.js';
import type { Observation } from '../core/observation.js';
import type { Notifier } from '../alerting/notifier.js';
import type { QueueStatusSource } from '../queue/queue-status.js';
import type { SourceAccountsDeps } from './routes/account-routes.js';

export interface AppDeps {
  db: Db;
  env: Env;
  secret: string;
  now: () => Date;
  /** store observations durably and run the pipeline on them (the ingest API answers after this) */
  ingest?: (obs: Observation[], now: Date) => void;
  /** emits 'alert' with each new AlertRecord, for the live feed (SSE) */
  events?: EventEmitter;
  /** the running alert notifier (receivers, warnings, channel tests on the desk); the desk works without one */
  notifier?: Notifier | null;
  /** extra routers mounted under /api/v1 after authentication (report downloads, ...) */
  apiRouters?: Router[];
  /** routers mounted at the root before authentication: only routes whose own token is the authority */
  publicRouters?: Router[];
  /** the crawler scheduler, when running */
  crawler?: { status(): unknown[]; runNow(sourceId: string): Promise<unknown> };
  rulesDir?: string;
  /** the crawl queue's last known state (FLAREWATCH_QUEUE), for /metrics and /healthz; absent when crawling in-process */
  queue?: QueueStatusSource | null;
  /** sources' account pools and QR logins (src/server/routes/account-routes.ts); absent when the crawler does not run here */
  accounts?: SourceAccountsDeps | null;
  /** whether this monitor runs the pipeline (leader) or stands by for another on the shared database */
  role?: () => 'leader' | 'standby';
}
