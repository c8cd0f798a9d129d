// The crawl worker (`flarewatch worker`): takes crawl jobs from the BullMQ queue, crawls each
// with the crawl core the monitor uses in-process (the scheduler's run: adapter, cookies from the
// source's cookiesEnv in this worker's environment, Weibo visitor cookie, proxy, robots.txt,
// retries, browser rendering), with per-host politeness shared by all workers through Redis
// (redis-host-limiter.ts), hands the observations over (observation-delivery.ts) and only then
// reports the run's summary to the monitor and lets BullMQ acknowledge the job.
//
// Sessions: one manual scheduler per source holds that source's cookie jar, its blocked state
// and cool-down between jobs, as the monitor's scheduler does in-process; a new config version
// starts a fresh session. Jobs of one source run one after another in a worker.
//
// Account pool: a job of a pooled source carries its accounts (the monitor picked them); the run
// goes through them as in-process (job-accounts.ts): each account's jar (built from this worker's
// data/sessions file and environment, kept across jobs), proxy and politeness (the Redis lease keyed
// by host and account), the next account when one is blocked. What each met goes back in the
// summary, stored with the observations, so a retried job reports the same outcomes; the monitor
// applies them to the pool once.
//
// Crashes: a worker that dies mid-job stops renewing the job's lock; after lockDuration another
// worker's stalled check puts the job back in the queue (at most maxStalledCount times) and it is
// crawled again. A job whose observations were stored before the crash is not crawled again: its
// stored summary is reported and it completes.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Env } from '../config/env.js';
import type { AnyAdapter } from '../crawl/adapter.js';
import type { Observation } from '../core/observation.js';
import type { PageFetcherOptions } from '../crawl/page-fetcher.js';
import { startCrawlScheduler, type CrawlScheduler, type CrawlSink } from '../crawl/scheduler.js';
import { sourceConfig, type SourceConfig } from '../crawl/sources-config.js';
import { JobAccounts, type AccountJarCache } from '../crawl/job-accounts.js';
import { SessionStore } from '../crawl/browser-session.js';
import { DEFAULT_SESSION_DIR } from '../crawl/browser-renderer.js';
import { CRAWL_QUEUE, KEY_PREFIX, RESULTS_QUEUE, resultJobOptions, type CrawlJobData, type CrawlResultData, type ResultSummary } from './crawl-jobs.js';
import { PermanentDeliveryError, QueueUnavailableError } from './errors.js';
import { startHeartbeat, DEFAULT_HEARTBEAT_TTL_MS, type Heartbeat } from './heartbeat.js';
import type { ObservationDelivery } from './observation-delivery.js';
import { RedisHostLimiter } from './redis-host-limiter.js';
import { createRedisClient, type QueueLog, type TrackedRedis } from './redis-clients.js';
import { redactRedisUrl } from './redis-url.js';

export interface CrawlWorkerOptions {
  env: Env;
  /** FLAREWATCH_QUEUE */
  url: string;
  log: QueueLog;
  /** how observations reach the monitor; made with the worker's command connection (api mode remembers deliveries in Redis) */
  delivery: (redis: TrackedRedis) => ObservationDelivery;
  /** jobs crawled at once by this worker (default 4) */
  concurrency?: number;
  /** ms a job's lock (and a host's lease while a request runs) lasts without renewal; a dead worker's job is retried after it (default 30 s) */
  lockDurationMs?: number;
  /** ms between checks for jobs whose worker died (default 15 s) */
  stalledIntervalMs?: number;
  /** times a job may be recovered from a dead worker before it fails (default 2) */
  maxStalledCount?: number;
  /** a worker counts as live this long after its last heartbeat (default 30 s) */
  heartbeatTtlMs?: number;
  now?: () => Date;
  /** network knobs for every fetcher (timeouts, retries; tests) */
  fetcher?: Partial<PageFetcherOptions>;
  /** adapters instead of the crawlers/ folder (tests) */
  adapters?: Map<string, AnyAdapter>;
  /** saved browser sessions of pool accounts, read by the reference a job carries (default: data/sessions) */
  sessions?: SessionStore;
  /** id shown in heartbeats and results (default host:pid:random) */
  id?: string;
}

export interface CrawlWorker {
  id: string;
  jobsDone(): number;
  /** stop taking jobs, finish the ones running, close sessions and connections */
  close(): Promise<void>;
}

interface Session { version: string; scheduler: CrawlScheduler; chain: Promise<unknown>; usedAt: number; running: number }

/** a source's session not used for this long is closed (its cookie jar and browser go with it) */
const SESSION_IDLE_MS = 60 * 60_000;

export function startCrawlWorker(o: CrawlWorkerOptions): CrawlWorker {
  const id = o.id ?? `${hostname()}:${process.pid}:${randomBytes(2).toString('hex')}`;
  const now = o.now ?? (() => new Date());
  const log = o.log;
  const shown = redactRedisUrl(o.url);
  const concurrency = o.concurrency ?? 4;
  const bull = createRedisClient({ url: o.url, name: `worker-queue`, use: 'bullmq', log });
  const cmd = createRedisClient({ url: o.url, name: `worker-commands`, use: 'commands', log });
  // a host held by a request lasts as long as a job's lock: a dead worker blocks neither longer than the other
  const limiter = new RedisHostLimiter(cmd.client, { minIntervalMs: 0, leaseMs: o.lockDurationMs ?? 30_000 });
  const delivery = o.delivery(cmd);
  const results = new Queue<CrawlResultData>(RESULTS_QUEUE, { connection: bull.client, prefix: KEY_PREFIX });
  results.on('error', () => undefined); // connection errors are logged by redis-clients.ts
  const sessions = new Map<string, Session>();
  const savedSessions = o.sessions ?? new SessionStore(DEFAULT_SESSION_DIR);
  const accountJars: AccountJarCache = new Map();
  const lookupSecret = (name: string) => o.env.vars[name];
  let jobs = 0;

  const sink: CrawlSink = {
    save: () => undefined, // the observations come back in the run summary and are delivered after the run
    knownIds: (source, ids) => delivery.knownIds(source, ids),
    health: () => undefined, // the monitor turns the reported summary into health events
  };

  function sessionFor(source: SourceConfig, version: string): Session {
    const prev = sessions.get(source.id);
    if (prev && prev.version === version) return prev;
    if (prev) {
      log('info', `source ${source.id}: config changed (version ${version}); fresh session`);
      const old = prev.scheduler;
      void prev.chain.then(() => old.stop()).catch(() => undefined);
    }
    const s: Session = {
      version,
      scheduler: startCrawlScheduler({ sources: [source], sink, env: o.env, log, manual: true, limiter, lookupSecret, now, fetcher: o.fetcher, adapters: o.adapters, sessions: savedSessions }),
      chain: prev ? prev.chain : Promise.resolve(),
      usedAt: Date.now(), running: 0,
    };
    sessions.set(source.id, s);
    return s;
  }

  async function crawl(data: CrawlJobData): Promise<ResultSummary & { observations?: Observation[] }> {
    let source: SourceConfig;
    try {
      source = sourceConfig(data.source);
    } catch (e) {
      throw new UnrecoverableError(`job for source '${data.sourceId}' has an invalid config snapshot: ${(e as Error).message.split('\n')[0]}`);
    }
    closeIdleSessions();
    const s = sessionFor(source, data.version);
    s.running++;
    s.usedAt = Date.now();
    const accounts = data.accounts?.length ? new JobAccounts({ accounts: data.accounts, jars: accountJars, sessions: savedSessions, env: o.env, lookupSecret }) : null;
    const run = s.chain.then(() => s.scheduler.runNow(source.id, data.extra ?? undefined, accounts ?? undefined)).finally(() => { s.running--; s.usedAt = Date.now(); });
    s.chain = run.catch(() => undefined);
    const summary = await run;
    return accounts ? { ...summary, accounts: accounts.results() } : summary;
  }

  function closeIdleSessions(): void {
    for (const [sourceId, s] of sessions) {
      if (s.running || Date.now() - s.usedAt < SESSION_IDLE_MS) continue;
      sessions.delete(sourceId);
      void s.chain.then(() => s.scheduler.stop()).catch(() => undefined);
    }
  }

  async function processJob(job: Job<CrawlJobData>): Promise<{ outcome: string; items: number; reused: boolean }> {
    const data = job.data;
    const jobId = String(job.id);
    const attempt = Math.max(1, job.attemptsStarted ?? job.attemptsMade + 1);
    let summary: ResultSummary;
    const prior = await delivery.delivered(jobId);
    if (prior) {
      log('info', `job ${jobId} (attempt ${attempt}): its observations were stored by an earlier attempt; reporting them without crawling again`);
      summary = prior;
    } else {
      const mark = limiter.failures;
      const run = await crawl(data);
      if (limiter.failures > mark) throw new QueueUnavailableError(`Redis went away during the crawl of ${data.sourceId}; the job will be tried again`);
      const { observations = [], ...rest } = run;
      summary = rest;
      try {
        await delivery.deliver({ jobId, sourceId: data.sourceId, kind: data.kind, worker: id, summary, observations });
      } catch (e) {
        if (e instanceof PermanentDeliveryError) throw new UnrecoverableError(e.message);
        throw e;
      }
      log('debug', `job ${jobId}: ${observations.length} observations handed over (${delivery.mode})`);
    }
    const result: CrawlResultData = { jobId, sourceId: data.sourceId, kind: data.kind, attempt, worker: id, delivered: delivery.mode, summary };
    await results.add('result', result, resultJobOptions(jobId));
    jobs++;
    void heartbeat.beat();
    return { outcome: summary.outcome, items: summary.items, reused: !!prior };
  }

  const startedAt = now().toISOString();
  const heartbeat: Heartbeat = startHeartbeat(cmd.client, () => ({ id, host: hostname(), pid: process.pid, startedAt, jobs, concurrency }), o.heartbeatTtlMs ?? DEFAULT_HEARTBEAT_TTL_MS);
  const worker = new Worker<CrawlJobData>(CRAWL_QUEUE, processJob, {
    connection: bull.client, prefix: KEY_PREFIX, concurrency, name: id,
    lockDuration: o.lockDurationMs ?? 30_000,
    stalledInterval: o.stalledIntervalMs ?? 15_000,
    maxStalledCount: o.maxStalledCount ?? 2,
  });
  worker.on('error', () => undefined); // connection errors: redis-clients.ts logs them, BullMQ reconnects
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err instanceof UnrecoverableError;
    log(final ? 'error' : 'warn', `job ${job.id} (${job.data.sourceId}) failed, attempt ${job.attemptsMade}${final ? ', giving up' : ', will be retried'}: ${err.message}`);
  });
  worker.on('stalled', (jobId) => log('warn', `job ${jobId} stalled (its worker stopped renewing the lock); back in the queue for another worker`));
  worker.on('ready', () => log('info', `worker ${id}: taking crawl jobs from ${shown} (${concurrency} at a time, observations to ${delivery.mode === 'db' ? 'the database' : 'the ingest API'})`));

  let closing: Promise<void> | null = null;
  return {
    id,
    jobsDone: () => jobs,
    close() {
      closing ??= (async () => {
        // jobs in hand are finished (their locks renewed meanwhile); without Redis there is nothing to finish them with
        if (!bull.ready()) { bull.close(); cmd.close(); }
        await worker.close(!bull.ready()).catch((e: Error) => log('warn', `closing the worker: ${e.message}`));
        await heartbeat.stop();
        await Promise.allSettled([...sessions.values()].map(async (s) => { await s.chain; await s.scheduler.stop(); }));
        await results.close().catch(() => undefined);
        bull.close();
        cmd.close();
      })();
      return closing;
    },
  };
}
