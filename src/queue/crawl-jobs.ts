// What travels through the queue, shared by the monitor (producer of crawl jobs, consumer of
// results) and the workers. A crawl job carries the source's whole config snapshot and its
// version, so a worker needs no rules folder and always crawls what the monitor scheduled; its
// own environment supplies secrets (cookiesEnv) and the default proxy. A source that crawls
// through its account pool has its accounts in the job, in the order to try them (names, the saved
// session's reference, the cookie variable's name, proxies; never a cookie value or a session's
// content: a worker reads the session file under its own data/sessions and the cookie from its own
// environment). A result carries the run summary (never the observations, which go through the
// database or the ingest API) and, for a pooled source, what each account met.
//
// Redis keys, all under the `flarewatch:` prefix:
//   flarewatch:crawl:*          BullMQ queue of crawl jobs
//   flarewatch:crawl-results:*  BullMQ queue of results, read by the monitor
//   flarewatch:host:<host>      next allowed request time at that host (redis-host-limiter.ts);
//                               <host>#account-<id> for a pool account's requests (politeness per account)
//   flarewatch:worker:<id>      a live worker's heartbeat, expires unless renewed (heartbeat.ts)
//   flarewatch:delivered:<job>  a job whose observations the ingest API has taken (ingest mode)
import { createHash, randomBytes } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import type { CrawlRequest } from '../crawl/adapter.js';
import type { RunSummary } from '../crawl/source-health.js';
import type { SourceConfig } from '../crawl/sources-config.js';
import type { AccountOutcome, QueuedAccount } from '../crawl/job-accounts.js';

export const KEY_PREFIX = 'flarewatch';
export const CRAWL_QUEUE = 'crawl';
export const RESULTS_QUEUE = 'crawl-results';

export type CrawlJobKind = 'crawl' | 'reobserve';

export interface CrawlJobData {
  sourceId: string;
  kind: CrawlJobKind;
  /** configVersion(source): a worker starts a fresh session when it changes */
  version: string;
  source: SourceConfig;
  /** re-observation requests (kind 'reobserve'), crawled instead of the source's start URL */
  extra: CrawlRequest[] | null;
  enqueuedAt: string;
  /** a pooled source's active accounts, least recently used first: the first crawls, the next take over when one is blocked (absent: the source's own session) */
  accounts?: QueuedAccount[] | null;
}

/** A run's summary without its observations; a pooled source's also says what each account met. */
export type ResultSummary = Omit<RunSummary, 'observations'> & { accounts?: AccountOutcome[] };

export interface CrawlResultData {
  jobId: string;
  sourceId: string;
  kind: CrawlJobKind;
  /** which attempt of the job produced it (1 = first) */
  attempt: number;
  worker: string;
  /** where the observations went: the shared database's inbox, or the monitor's ingest API */
  delivered: 'db' | 'api';
  summary: ResultSummary;
}

/** Short, stable hash of a source's config (key order does not matter). */
export function configVersion(source: SourceConfig): string {
  const canon = (v: unknown): unknown => v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])]))
    : Array.isArray(v) ? v.map(canon) : v;
  return createHash('sha1').update(JSON.stringify(canon(source))).digest('hex').slice(0, 12);
}

/** A job id that is never reused, even after Redis is emptied (the database's inbox remembers job ids). */
export function newJobId(kind: CrawlJobKind, sourceId: string, now: Date): string {
  return `${kind}.${sourceId}.${now.getTime().toString(36)}.${randomBytes(4).toString('hex')}`;
}

export interface RetryPolicy {
  /** tries of a job whose observations could not be handed over (default 4) */
  attempts: number;
  /** first retry after this many ms, doubling (default 10 s) */
  backoffMs: number;
}
export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, backoffMs: 10_000 };

/**
 * One source has at most one crawl job (and one re-observation job) waiting or running: BullMQ's
 * deduplication keeps the id until the job completes or finally fails, so a schedule firing
 * while the previous run is queued or at a worker adds nothing. A job is retried (with
 * exponential backoff) when its observations could not be stored; a site's own errors are the
 * run's outcome, not a failed job (source health and its backoff deal with those).
 */
export function crawlJobOptions(jobId: string, kind: CrawlJobKind, sourceId: string, retry: RetryPolicy = DEFAULT_RETRY): JobsOptions {
  return {
    jobId,
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs },
    deduplication: { id: `${kind}.${sourceId}` },
    removeOnComplete: { age: 3600, count: 1000 },
    removeOnFail: { age: 7 * 86_400, count: 1000 },
  };
}

/** A result's id is its crawl job's: a retried job reporting again adds nothing while the first report is kept (a day). */
export function resultJobOptions(jobId: string): JobsOptions {
  return { jobId, attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: { age: 86_400, count: 10_000 }, removeOnFail: { age: 7 * 86_400 } };
}

export const heartbeatKey = (workerId: string) => `${KEY_PREFIX}:worker:${workerId}`;
export const hostKey = (host: string) => `${KEY_PREFIX}:host:${host}`;
export const deliveredKey = (jobId: string) => `${KEY_PREFIX}:delivered:${jobId}`;
