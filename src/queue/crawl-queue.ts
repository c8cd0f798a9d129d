// The monitor's side of the crawl queue (FLAREWATCH_QUEUE): the scheduler's CrawlDispatch (a
// scheduled run becomes a BullMQ job carrying the source's config snapshot and version, and a
// pooled source's accounts, deduplicated per source), the consumer of workers' results (each applied to the scheduler like
// an in-process run: status, health events, alerts on source trouble), the intake of the
// database inbox into the pipeline, and a poller of queue depth and live workers for /metrics
// and /healthz.
//
// Redis being down never stalls the monitor: adding a job fails at once (no offline queue) or
// after `timeoutMs`, and the routes read the poller's last snapshot. Scheduled runs that could not
// be queued are logged and tried again at the next tick.
import { Queue, Worker, type Job } from 'bullmq';
import type { CrawlRequest } from '../crawl/adapter.js';
import type { CrawlDispatch } from '../crawl/scheduler.js';
import type { SourceConfig } from '../crawl/sources-config.js';
import type { QueuedAccount } from '../crawl/job-accounts.js';
import type { Db } from '../db/connection.js';
import type { Observation } from '../core/observation.js';
import { CrawlInbox } from './crawl-inbox.js';
import { CRAWL_QUEUE, DEFAULT_RETRY, KEY_PREFIX, RESULTS_QUEUE, configVersion, crawlJobOptions, newJobId, type CrawlJobData, type CrawlResultData, type RetryPolicy } from './crawl-jobs.js';
import { QueueUnavailableError, withTimeout } from './errors.js';
import { DEFAULT_HEARTBEAT_TTL_MS, liveWorkers } from './heartbeat.js';
import { createRedisClient, type QueueLog } from './redis-clients.js';
import { redactRedisUrl, redisOptionsFromUrl } from './redis-url.js';
import type { QueueStatus, QueueStatusSource } from './queue-status.js';

export interface CrawlQueueOptions {
  url: string;
  log: QueueLog;
  now?: () => Date;
  /** the monitor's database and ingest: observations workers put in the inbox are ingested from there */
  inbox?: { db: Db; ingest: (obs: Observation[], now: Date) => void };
  /** ms between polls of queue depth and live workers (default 5000) */
  statsEveryMs?: number;
  /** ms to wait for Redis in any one call (default 2000) */
  timeoutMs?: number;
  /** ms between inbox drains (default 1000) */
  drainEveryMs?: number;
  /** workers count as live within this window (the workers' heartbeat TTL, default 30 s) */
  liveWindowMs?: number;
  retry?: RetryPolicy;
}

export interface CrawlQueue extends CrawlDispatch, QueueStatusSource {
  /** apply workers' results as they arrive (once the scheduler exists) */
  consumeResults(apply: (r: CrawlResultData) => void): void;
  /** poll depth and workers now */
  refresh(): Promise<QueueStatus>;
  /** ingest what the inbox holds now; returns the observations ingested */
  drainInbox(): number;
  close(): Promise<void>;
}

export function openCrawlQueue(o: CrawlQueueOptions): CrawlQueue {
  redisOptionsFromUrl(o.url); // a malformed URL is the user's mistake: thrown before anything connects
  const now = o.now ?? (() => new Date());
  const log = o.log;
  const shown = redactRedisUrl(o.url);
  const timeoutMs = o.timeoutMs ?? 2000;
  const producer = createRedisClient({ url: o.url, name: 'monitor-queue', use: 'bullmq', failFast: true, log });
  const stats = createRedisClient({ url: o.url, name: 'monitor-stats', use: 'commands', failFast: true, log });
  const queue = new Queue<CrawlJobData>(CRAWL_QUEUE, { connection: producer.client, prefix: KEY_PREFIX });
  queue.on('error', () => undefined); // logged by redis-clients.ts
  const inbox = o.inbox ? new CrawlInbox(o.inbox.db) : null;
  let resultsWorker: Worker<CrawlResultData> | null = null;
  let resultsConn: ReturnType<typeof createRedisClient> | null = null;
  const timers: NodeJS.Timeout[] = [];
  let status: QueueStatus = { url: shown, up: false, checkedAt: null, error: null, counts: null, liveWorkers: null, liveWindowSeconds: Math.round((o.liveWindowMs ?? DEFAULT_HEARTBEAT_TTL_MS) / 1000), inboxPending: null };
  let closed = false;

  const unreachable = (what: string) => new QueueUnavailableError(`${what}: Redis at ${shown} is unreachable${producer.lastError() ? ` (${producer.lastError()})` : ''}`);

  let drainErrorAt = 0;
  function drainInbox(): number {
    if (!inbox || !o.inbox) return 0;
    let total = 0;
    try {
      for (let n = -1; n !== 0;) {
        n = inbox.drain((obs) => o.inbox!.ingest(obs, now()), now());
        total += n;
        if (n === 0) break;
      }
    } catch (e) {
      if (Date.now() - drainErrorAt > 60_000) log('error', `crawl inbox: ingest failed, will retry: ${(e as Error).message}`);
      drainErrorAt = Date.now();
    }
    return total;
  }

  async function refresh(): Promise<QueueStatus> {
    const checkedAt = () => now().toISOString();
    let pending: number | null = null;
    try { pending = inbox?.pendingCount() ?? null; } catch { /* database busy: keep the last */ }
    if (!stats.ready() || !producer.ready()) {
      status = { ...status, up: false, checkedAt: checkedAt(), error: stats.lastError() ?? producer.lastError() ?? 'not connected', counts: null, liveWorkers: null, inboxPending: pending };
      return status;
    }
    try {
      const [c, workers] = await withTimeout(Promise.all([queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized'), liveWorkers(stats.client)]), timeoutMs, 'queue status');
      status = {
        ...status, up: true, checkedAt: checkedAt(), error: null, liveWorkers: workers.length, inboxPending: pending,
        counts: { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 },
      };
    } catch (e) {
      status = { ...status, up: false, checkedAt: checkedAt(), error: (e as Error).message, counts: null, liveWorkers: null, inboxPending: pending };
    }
    return status;
  }

  const poll = setInterval(() => { if (!closed) void refresh(); }, o.statsEveryMs ?? 5000);
  poll.unref?.();
  timers.push(poll);
  if (inbox) {
    const t = setInterval(() => { if (!closed) drainInbox(); }, o.drainEveryMs ?? 1000);
    t.unref?.();
    timers.push(t);
  }
  // the first snapshot as soon as the connection has had a chance
  const first = setTimeout(() => { if (!closed) void refresh(); }, Math.min(timeoutMs, 1000));
  first.unref?.();
  timers.push(first);

  return {
    async enqueue(source: SourceConfig, extra: CrawlRequest[] | null, accounts: QueuedAccount[] | null = null): Promise<boolean> {
      const kind = extra ? 'reobserve' : 'crawl';
      if (!producer.ready()) throw unreachable(`source ${source.id} not queued`);
      const jobId = newJobId(kind, source.id, now());
      const data: CrawlJobData = { sourceId: source.id, kind, version: configVersion(source), source, extra, enqueuedAt: now().toISOString(), ...(accounts ? { accounts } : {}) };
      const job = await withTimeout(queue.add(kind, data, crawlJobOptions(jobId, kind, source.id, o.retry ?? DEFAULT_RETRY)), timeoutMs, `queueing source ${source.id}`);
      return job.id === jobId;
    },
    consumeResults(apply) {
      if (resultsWorker) return;
      resultsConn = createRedisClient({ url: o.url, name: 'monitor-results', use: 'bullmq', log });
      resultsWorker = new Worker<CrawlResultData>(RESULTS_QUEUE, async (job: Job<CrawlResultData>) => {
        // the job's observations first (database mode), so its summary lands after them
        drainInbox();
        apply(job.data);
      }, { connection: resultsConn.client, prefix: KEY_PREFIX, concurrency: 1, name: 'monitor' });
      resultsWorker.on('error', () => undefined);
      resultsWorker.on('failed', (job, err) => log('warn', `crawl result ${job?.id ?? '?'} not applied: ${err.message}`));
    },
    status: () => status,
    refresh,
    drainInbox,
    async close() {
      closed = true;
      for (const t of timers) clearInterval(t);
      const bounded = (p: Promise<unknown> | undefined) => withTimeout(Promise.resolve(p), 5000, 'closing').catch(() => undefined);
      // without a connection there is nothing to finish: drop the connections first, so BullMQ stops waiting for one
      if (!producer.ready()) { producer.close(); stats.close(); resultsConn?.close(); }
      await bounded(resultsWorker?.close(!resultsConn?.ready()));
      await bounded(queue.close());
      drainInbox();
      producer.close();
      stats.close();
      resultsConn?.close();
    },
  };
}
