// Boots the live monitor: database, pipeline, alerting, crawl scheduler, report schedule and the
// dashboard, wired together. Used by `start` and `demo`. Every part reads the same rules folder.
// A mistake in a rules file (ConfigError) or a dashboard that cannot listen stops everything that
// had started and is thrown, so `start` exits non-zero instead of running half-started; any other
// part that fails to start is reported and the rest keeps running.
import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import type { Env } from '../config/env.js';
import { openDb, dialectOf, type Db } from '../db/connection.js';
import { createPipelineFromRules, loadPipelineRules } from '../pipeline/load-rules.js';
import { watchRules } from './rules-watcher.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { AlertRecord } from '../core/alert.js';
import type { Observation } from '../core/observation.js';
import { getSecret } from '../server/secret.js';
import { createApp } from '../server/app.js';
import type { Router } from 'express';
import type { Notifier } from '../alerting/notifier.js';
import { redactFields, redactText } from '../security/redact.js';
import { archiveIncidentEvidence, describeArchive, type ArchiveOptions } from '../evidence/archive.js';
import type { SourceAccountsDeps } from '../server/routes/account-routes.js';
import type { AppDeps } from '../server/app-deps.js';
import { CrawlInbox } from '../queue/crawl-inbox.js';
import { pipelineLease } from './pipeline-lease.js';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

export type Log = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: object) => void;

export interface Monitor {
  db: Db;
  url: string;
  /** null while this monitor is a standby (another one runs the pipeline on the shared database) */
  readonly pipeline: Pipeline | null;
  events: EventEmitter;
  ingest(obs: Observation[], now: Date): void;
  stop(): Promise<void>;
}

interface NotifierLike {
  onAlert(a: AlertRecord & { id: number }, now: Date): void;
  tick(now: Date): Promise<void>;
  onSourceHealth(ev: { sourceId: string; at: string; kind: string; message?: string }, now: Date): void;
  start(ms?: number): void;
  stop(): Promise<void>;
}
interface CrawlerLike { status(): unknown[]; runNow(id: string): Promise<unknown>; stop(): Promise<void> }

export interface MonitorOptions {
  env: Env;
  log: Log;
  now?: () => Date;
  /** how often the pipeline re-evaluates open incidents without new data */
  evaluateEveryMs?: number;
  /** how often a standby asks whether the leader has stopped (default 5 s) */
  leasePollMs?: number;
  /** evidence archive overrides (tests: a fake capturer or resolver, another folder) */
  evidence?: Pick<ArchiveOptions, 'capturer' | 'guard' | 'root'>;
}

/** Log lines to stderr, secrets redacted (src/security/redact.ts); `secrets`: exact values to mask too. */
export function consoleLog(stderr: NodeJS.WritableStream, minLevel: Env['logLevel'] = 'info', secrets: readonly string[] = []): Log {
  const order = { debug: 0, info: 1, warn: 2, error: 3 };
  return (level, msg, fields) => {
    if (order[level] < order[minLevel]) return;
    const ts = new Date().toISOString();
    const f = fields && Object.keys(fields).length ? ' ' + JSON.stringify(redactFields(fields, secrets)) : '';
    stderr.write(`${ts} ${level.toUpperCase().padEnd(5)} ${redactText(msg, secrets)}${f}\n`);
  };
}

export async function startMonitor(o: MonitorOptions): Promise<Monitor> {
  const db = openDb(o.env.dbPath);
  const stoppers: Stopper[] = [];
  const stopAll = async () => {
    for (const s of stoppers.reverse()) {
      try { await s(); } catch (e) { o.log('warn', `stopping: ${(e as Error).message}`); }
    }
    stoppers.length = 0;
  };
  try {
    const m = await bootMonitor(o, db, stoppers);
    // (assigned, not spread: `pipeline` is a getter that changes when a standby takes over)
    return Object.assign(m, { async stop() { await stopAll(); db.close(); } });
  } catch (e) {
    // half a monitor must not keep running: stop what had started, close the database, report
    await stopAll();
    db.close();
    throw e;
  }
}

type Stopper = () => Promise<void> | void;

/** Starts every part, registering how to stop it in `stoppers` as it goes. */
async function bootMonitor(o: MonitorOptions, db: Db, stoppers: Stopper[]): Promise<Omit<Monitor, 'stop'>> {
  const { env, log } = o;
  const now = o.now ?? (() => new Date());
  const secret = getSecret(db, env);
  const events = new EventEmitter();
  events.setMaxListeners(1000);
  if (dialectOf(db) === 'postgres') {
    // a lost database connection is not patched over (a standby may have taken the pipeline by
    // then): the monitor says so and stops with an error, and its service manager restarts it
    (db as unknown as { onLost: ((reason: string) => void) | null }).onLost = (reason) => {
      log('error', `lost the PostgreSQL connection (${reason}): stopping so that the service manager starts this monitor again`);
      events.emit('fatal', reason);
    };
  }

  // the files of the parts that start timers are checked before anything starts (each part loads its own again below)
  const { loadSourcesConfig: checkSources } = await import('../crawl/sources-config.js');
  const { loadReportsConfig: checkReports } = await import('../report/reports-config.js');
  checkSources(env.rulesDir);
  checkReports(env.rulesDir);

  // alerting: outbox, channels (the desk routes are part of the app, src/server/app.ts)
  let notifier: NotifierLike | null = null;
  let alertNotifier: Notifier | null = null;
  const apiRouters: Router[] = [];
  try {
    const { loadAlertingConfig } = await import('../config/alerting-config.js');
    const { createNotifier } = await import('../alerting/notifier.js');
    const cfg = loadAlertingConfig(env.rulesDir, env.vars, env.timezone);
    const n = createNotifier(db, cfg, { env, secret, log });
    alertNotifier = n;
    notifier = n;
    n.start();
    stoppers.push(() => n.stop());
  } catch (e) {
    if ((e as Error).name === 'ConfigError') throw e;
    log('warn', `alerting not started: ${(e as Error).message}`);
  }

  // evidence: screenshots and HTML of a P1/P2 incident's key posts, once per incident and process,
  // through the same guarded browser path as `browser` sources; every outcome is logged
  const archived = new Set<string>();
  const evidence = (id: string) => {
    if (archived.has(id)) return;
    archived.add(id);
    archiveIncidentEvidence(db, id, { env, now, log, ...o.evidence })
      .then((r) => { for (const line of describeArchive(r)) log(line.level, line.msg); })
      .catch((e: Error) => log('error', `evidence archive for ${id} failed: ${e.message}`));
  };

  // deliver at once when an alert's group is already due, instead of waiting for the next tick
  let tickQueued = false;
  const tickSoon = () => {
    if (tickQueued || !notifier) return;
    tickQueued = true;
    setImmediate(() => {
      tickQueued = false;
      notifier!.tick(now()).catch((e: Error) => log('warn', `alerting tick: ${e.message}`));
    });
  };
  // the pipeline, the crawlers and the report schedule run in one monitor per database (the
  // leader, src/runtime/pipeline-lease.ts); a standby serves, sends, and takes over when it ends
  const lease = pipelineLease(db);
  let led: { pipeline: Pipeline; ingest: (obs: Observation[], t: Date) => void } | null = null;
  const deps: AppDeps = { db, env, secret, now, events, notifier: alertNotifier, apiRouters, rulesDir: env.rulesDir, queue: null, accounts: null,
    role: () => (led ? 'leader' : 'standby') };
  const lead = async (): Promise<void> => {
    const pipeline = await createPipelineFromRules(db, env.rulesDir, {
      rescoreChangedAfterMs: 0,
      onAlert: (a, t) => {
        log('info', `alert ${a.level} ${a.state} ${a.incident ?? ''} risk=${a.risk} ${a.title}`);
        events.emit('alert', a);
        notifier?.onAlert(a, t);
        tickSoon();
        if (a.state === 'firing' && (a.level === 'P1' || a.level === 'P2') && a.incident) evidence(a.incident);
      },
      log,
    });
    const ingest = (obs: Observation[], t: Date) => {
      if (!obs.length) return;
      pipeline.ingest(obs, t);
      pipeline.evaluate(t);
    };
    const tick = setInterval(() => {
      try { pipeline.evaluate(now()); } catch (e) { log('error', `evaluate failed: ${(e as Error).message}`); }
    }, o.evaluateEveryMs ?? 60_000);
    stoppers.push(() => clearInterval(tick));
    // rules edited on disk or from the dashboard apply without a restart (topics, risk, severity)
    const watcher = watchRules(env.rulesDir, async (changed) => {
      try {
        const r = await loadPipelineRules(env.rulesDir);
        pipeline.reconfigure(r.topics, r.risk, r.deps, now());
        log('info', `rules reloaded (${changed.join(', ')}): ${r.topics.length} topics`);
        events.emit('rules', { ok: true, changed });
      } catch (e) {
        log('error', `rules not reloaded, keeping the running ones: ${(e as Error).message}`);
        events.emit('rules', { ok: false, changed, error: (e as Error).message });
      }
    });
    stoppers.push(() => watcher.stop());
    stoppers.push(() => pipeline.flush(now()));

    // crawlers: in this process, or (FLAREWATCH_QUEUE) as jobs for `flarewatch worker` processes
    let crawler: CrawlerLike | undefined;
    let accounts: SourceAccountsDeps | null = null;
    let queue: import('../queue/crawl-queue.js').CrawlQueue | null = null;
    if (env.queueUrl) (await import('../queue/redis-url.js')).redisOptionsFromUrl(env.queueUrl); // a malformed URL stops start
    try {
      const { loadSourcesConfig } = await import('../crawl/sources-config.js');
      const { startCrawlScheduler } = await import('../crawl/scheduler.js');
      const { createDbSink } = await import('../crawl/db-sink.js');
      const sources = loadSourcesConfig(env.rulesDir);
      const sink = createDbSink(db, ingest);
      const origHealth = sink.health.bind(sink);
      sink.health = (ev: Parameters<typeof origHealth>[0]) => {
        origHealth(ev);
        if (ev.kind !== 'ok') notifier?.onSourceHealth(ev, now());
      };
      if (env.queueUrl) {
        const { openCrawlQueue } = await import('../queue/crawl-queue.js');
        const q = openCrawlQueue({ url: env.queueUrl, log, now, inbox: { db, ingest } });
        queue = q;
        stoppers.push(() => q.close());
      }
      // sources that need a login crawl through their account pools; admins add accounts by QR code on the source page
      const { AccountPool } = await import('../crawl/account-pool.js');
      const { SessionStore } = await import('../crawl/browser-session.js');
      const { DEFAULT_SESSION_DIR } = await import('../crawl/browser-renderer.js');
      const { QrLoginManager } = await import('../crawl/qr-login.js');
      const { getAdapter } = await import('../crawl/registry.js');
      const { storeOf } = await import('../db/store/index.js');
      const { writeAudit } = await import('../desk/audit.js');
      const sessions = new SessionStore(DEFAULT_SESSION_DIR);
      const pool = new AccountPool({ store: storeOf(db).accounts, sessions, env, lookupSecret: (name) => env.vars[name] });
      const logins = new QrLoginManager({ pool, sessions, executablePath: env.puppeteerExecutablePath, defaultProxy: env.httpProxy, now,
        log: (level, msg) => log(level, msg), audit: (actor, action, target, detail) => writeAudit(db, now(), actor, action, target, detail) });
      stoppers.push(() => logins.close());
      accounts = { pool, logins, source: (id) => sources.find((s) => s.id === id) ?? null, adapter: (id) => getAdapter(id) };
      const c = startCrawlScheduler({ sources, sink, env, log, timezone: env.timezone, lookupSecret: (name: string) => env.vars[name], dispatch: queue ?? undefined, accounts: pool, sessions });
      crawler = c;
      stoppers.push(() => c.stop());
      queue?.consumeResults((r) => c.applyResult(r.summary, r.kind === 'reobserve'));
      const enabled = sources.filter((s: { enabled?: boolean }) => s.enabled !== false).length;
      log('info', queue ? `${enabled} sources, crawled by workers through the queue at ${queue.status().url}` : `crawling ${enabled} sources`);
    } catch (e) {
      if ((e as Error).name === 'ConfigError') throw e;
      log('warn', `crawlers not started: ${(e as Error).message}`);
    }

    // weekly report email
    try {
      const { startReportSchedule } = await import('../report/schedule.js');
      const sched = startReportSchedule({ db, env, rulesDir: env.rulesDir, log });
      stoppers.push(() => sched.stop());
    } catch (e) {
      if ((e as Error).name === 'ConfigError') throw e;
      log('warn', `weekly report schedule not started: ${(e as Error).message}`);
    }
    // what standby monitors took in through their ingest API waits in the crawl inbox (with a
    // queue, its inbox poller drains it already)
    if (!queue && dialectOf(db) === 'postgres') {
      const drain = setInterval(() => {
        try { inbox.drain((obs) => ingest(obs, now()), now()); } catch (e) { log('error', `crawl inbox: ingest failed, will retry: ${(e as Error).message}`); }
      }, 1000);
      drain.unref();
      stoppers.push(() => clearInterval(drain));
    }
    led = { pipeline, ingest };
    deps.crawler = crawler;
    deps.queue = queue;
    deps.accounts = accounts;
  };
  const inbox = new CrawlInbox(db);
  deps.ingest = (obs, t) => {
    if (led) return led.ingest(obs, t);
    // standby: the leader ingests it from the crawl inbox within a second
    inbox.put({ jobId: `api-${randomUUID()}`, sourceId: 'api', kind: 'crawl', worker: `standby ${hostname()}:${process.pid}`, summary: {} as never, observations: obs }, t);
  };
  if (lease.tryAcquire()) {
    if (dialectOf(db) === 'postgres') log('info', 'leading: this monitor runs the pipeline and crawlers on this database; others started on it stand by');
    await lead();
  } else {
    const holder = lease.holder();
    log('info', `standby: another monitor runs the pipeline and crawlers on this database${holder ? ` (${holder})` : ''}; this one serves the dashboard and API and sends alerts, and takes over when that one stops`);
    let taking = false;
    const poll = setInterval(() => {
      if (taking) return;
      try {
        if (!lease.tryAcquire()) return;
      } catch (e) {
        log('warn', `standby: cannot ask for the pipeline lease: ${(e as Error).message}`); // a lost connection stops the monitor (onLost)
        return;
      }
      taking = true;
      clearInterval(poll);
      log('info', 'the other monitor stopped: this one now runs the pipeline and crawlers');
      // the lease is held now: leading nothing while holding it would leave the database without
      // a pipeline, so stop with an error (the lease is released) and let the service manager restart
      lead().catch((e: Error) => {
        log('error', `taking over failed: ${e.message}; stopping so that the service manager starts this monitor again`);
        events.emit('fatal', `taking over failed: ${e.message}`);
      });
    }, o.leasePollMs ?? 5000);
    poll.unref();
    stoppers.push(() => clearInterval(poll));
  }

  try {
    const { createReportRouter } = await import('../report/report-router.js');
    apiRouters.push(createReportRouter({ db, env, now }));
  } catch (e) {
    log('warn', `report downloads unavailable: ${(e as Error).message}`);
  }

  const app = createApp(deps);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(env.port, env.host, () => resolve(s));
    s.on('error', reject);
  });
  stoppers.push(() => new Promise<void>((r) => {
    server.close(() => r()); // waits for requests in flight
    server.closeIdleConnections?.();
    setTimeout(() => server.closeAllConnections?.(), 2000).unref(); // then ends what stays open (live feeds)
  }));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : env.port;
  const url = `http://${env.host === '0.0.0.0' ? '127.0.0.1' : env.host}:${port}/`;

  return { db, url, get pipeline() { return led?.pipeline ?? null; }, events, ingest: (obs, t) => deps.ingest!(obs, t) };
}
