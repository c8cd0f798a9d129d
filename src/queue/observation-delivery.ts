// How a crawl worker hands a job's observations to the monitor, one of two ways:
// - 'db': the shared SQLite database (FLAREWATCH_DB, WAL, busy timeout: several processes write):
//   one crawl_inbox row per job, with the run summary, in one transaction (crawl-inbox.ts); the
//   monitor ingests it. A retried job finds its row and stores nothing again.
// - 'api': POST /api/v1/observations of the monitor (FLAREWATCH_INGEST_URL with the bearer token
//   FLAREWATCH_INGEST_TOKEN), for workers on machines without the database file. Stored when the
//   monitor answers 200; then `flarewatch:delivered:<job>` in Redis (a day) remembers it. A job
//   retried between the two sends again, which the idempotent upsert absorbs.
// Either way `deliver` resolves only once the observations are stored, and the job is
// acknowledged only after that.
import type { Redis } from 'ioredis';
import type { Db } from '../db/connection.js';
import type { Observation } from '../core/observation.js';
import { createDbSink } from '../crawl/db-sink.js';
import { CrawlInbox, type InboxRow } from './crawl-inbox.js';
import { deliveredKey, type ResultSummary } from './crawl-jobs.js';
import { PermanentDeliveryError, QueueUnavailableError } from './errors.js';
import type { QueueLog } from './redis-clients.js';

export interface ObservationDelivery {
  readonly mode: 'db' | 'api';
  /** the summary an earlier attempt of this job stored with its observations, or null */
  delivered(jobId: string): Promise<ResultSummary | null>;
  /** resolves once the observations are stored; QueueUnavailableError: try again later; PermanentDeliveryError: give up */
  deliver(row: InboxRow): Promise<void>;
  /** which ids of observation source `source` are stored already (stops paging at known items); nothing known in 'api' mode */
  knownIds(source: string, ids: string[]): Set<string>;
}

export function dbDelivery(db: Db, now: () => Date = () => new Date()): ObservationDelivery {
  const inbox = new CrawlInbox(db);
  const sink = createDbSink(db, () => undefined);
  return {
    mode: 'db',
    async delivered(jobId) {
      return inbox.stored(jobId);
    },
    async deliver(row) {
      try {
        inbox.put(row, now());
      } catch (e) {
        // SQLITE_BUSY past the busy timeout, disk full, ...: the job is retried later
        throw new QueueUnavailableError(`storing ${row.observations.length} observations in the database failed: ${(e as Error).message}`);
      }
    },
    knownIds: (source, ids) => sink.knownIds(source, ids),
  };
}

export interface ApiDeliveryOptions {
  /** the monitor's base URL (http://monitor:8080) or the full /api/v1/observations URL */
  url: string;
  token: string;
  /** remembers delivered jobs */
  redis: Redis;
  log: QueueLog;
  /** per request (default 60 s) */
  timeoutMs?: number;
  /** most bytes of JSON per request (default 2 MB; the API takes 5 MB) */
  maxBodyBytes?: number;
}

export function ingestEndpoint(url: string): string {
  const u = new URL(url);
  if (!/\/api\/v1\/observations\/?$/.test(u.pathname)) u.pathname = u.pathname.replace(/\/*$/, '') + '/api/v1/observations';
  return u.href;
}

/** Observations as JSON arrays of at most maxBytes each (one oversized observation goes alone). */
export function batches(obs: Observation[], maxBytes: number): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  let size = 2;
  for (const o of obs) {
    const s = JSON.stringify(o);
    const bytes = Buffer.byteLength(s);
    if (cur.length && size + bytes + 1 > maxBytes) {
      out.push(`[${cur.join(',')}]`);
      cur = [];
      size = 2;
    }
    cur.push(s);
    size += bytes + 1;
  }
  if (cur.length) out.push(`[${cur.join(',')}]`);
  return out;
}

export function apiDelivery(o: ApiDeliveryOptions): ObservationDelivery {
  const endpoint = ingestEndpoint(o.url);
  const shown = new URL(endpoint).origin + new URL(endpoint).pathname;
  return {
    mode: 'api',
    async delivered(jobId) {
      let v: string | null;
      try {
        v = await o.redis.get(deliveredKey(jobId));
      } catch (e) {
        throw new QueueUnavailableError(`Redis unreachable: ${(e as Error).message}`);
      }
      return v ? JSON.parse(v) as ResultSummary : null;
    },
    async deliver(row) {
      for (const body of batches(row.observations, o.maxBodyBytes ?? 2 * 1024 * 1024)) {
        let res: Response;
        try {
          res = await fetch(endpoint, {
            method: 'POST', body, signal: AbortSignal.timeout(o.timeoutMs ?? 60_000),
            headers: { 'content-type': 'application/json', authorization: `Bearer ${o.token}` },
          });
        } catch (e) {
          throw new QueueUnavailableError(`the monitor's ingest API at ${shown} is unreachable: ${(e as Error).message}`);
        }
        const text = await res.text().catch(() => '');
        let json: { accepted?: number; rejected?: { index: number; item: string | null; error: string }[]; error?: string } = {};
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        if (res.status === 429 || res.status >= 500) throw new QueueUnavailableError(`ingest API ${shown}: HTTP ${res.status}${json.error ? `: ${json.error}` : ''}`);
        if (res.status !== 200) {
          const hint = res.status === 401 || res.status === 403 ? ' (check FLAREWATCH_INGEST_TOKEN: make one with `flarewatch token add --name worker --role ingest`)' : '';
          throw new PermanentDeliveryError(`ingest API ${shown} refused the batch: HTTP ${res.status}${json.error ? `: ${json.error}` : ''}${hint}`);
        }
        if (json.rejected?.length) {
          const r = json.rejected[0];
          o.log('warn', `ingest API refused ${json.rejected.length} observation(s) of job ${row.jobId}; first: ${r.item ?? `#${r.index}`}: ${r.error}`);
        }
      }
      try {
        await o.redis.set(deliveredKey(row.jobId), JSON.stringify(row.summary), 'EX', 86_400);
      } catch (e) {
        // stored, but not remembered: a retry would send again (harmless), so this is only worth a line
        o.log('warn', `job ${row.jobId}: delivered, but Redis did not take the note: ${(e as Error).message}`);
      }
    },
    knownIds: () => new Set<string>(),
  };
}
