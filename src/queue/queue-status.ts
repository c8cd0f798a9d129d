// What the monitor knows of the queue, for GET /metrics and GET /healthz: the last snapshot the
// monitor's poller took (crawl-queue.ts), so neither route ever waits for Redis. This module
// imports neither bullmq nor ioredis: the server loads it even when no queue is configured.

export interface QueueCounts { waiting: number; active: number; delayed: number; failed: number }

export interface QueueStatus {
  /** FLAREWATCH_QUEUE without its password */
  url: string;
  /** the last poll reached Redis */
  up: boolean;
  /** when the last poll finished (null: none yet) */
  checkedAt: string | null;
  /** why the last poll failed */
  error: string | null;
  counts: QueueCounts | null;
  /** workers with a heartbeat in the last `liveWindowSeconds` */
  liveWorkers: number | null;
  liveWindowSeconds: number;
  /** crawl results in the database inbox not yet ingested */
  inboxPending: number | null;
}

export interface QueueStatusSource { status(): QueueStatus }

type Rows = [Record<string, string>, number][];

/** /metrics families: queue up, jobs by state, live workers, inbox backlog. */
export function queueMetrics(s: QueueStatus): { name: string; help: string; type: string; rows: Rows }[] {
  const out = [
    { name: 'flarewatch_queue_up', help: 'Whether the last poll of the crawl queue reached Redis (1) or not (0)', type: 'gauge', rows: [[{}, s.up ? 1 : 0]] as Rows },
  ];
  if (s.counts) out.push({ name: 'flarewatch_queue_jobs', help: 'Crawl jobs in the queue, by state', type: 'gauge', rows: (Object.entries(s.counts) as [string, number][]).map(([state, n]) => [{ state }, n]) });
  if (s.liveWorkers != null) out.push({ name: 'flarewatch_queue_workers_live', help: `Crawl workers with a heartbeat in the last ${s.liveWindowSeconds} s`, type: 'gauge', rows: [[{}, s.liveWorkers]] });
  if (s.inboxPending != null) out.push({ name: 'flarewatch_queue_inbox_pending', help: 'Crawl results in the database inbox not yet ingested', type: 'gauge', rows: [[{}, s.inboxPending]] });
  return out;
}

export interface QueueHealth extends Partial<QueueCounts> {
  status: 'ok' | 'checking' | 'unreachable' | 'no-workers';
  url: string;
  liveWorkers: number | null;
  checkedAt: string | null;
  problem?: string;
  fix?: string;
}

/** The queue's entry in /healthz, naming the problem and the fix when there is one. */
export function queueHealth(s: QueueStatus): QueueHealth {
  const base = { url: s.url, liveWorkers: s.liveWorkers, checkedAt: s.checkedAt, ...(s.counts ?? {}) };
  if (!s.checkedAt) return { status: 'checking', ...base };
  if (!s.up) return { status: 'unreachable', ...base, problem: `the crawl queue's Redis at ${s.url} cannot be reached${s.error ? ` (${s.error})` : ''}: no source is being crawled`, fix: 'start Redis (or correct FLAREWATCH_QUEUE); the monitor reconnects by itself' };
  if (!s.liveWorkers) return { status: 'no-workers', ...base, problem: `no crawl worker has a heartbeat in the last ${s.liveWindowSeconds} s: jobs wait in the queue`, fix: 'start one or more `flarewatch worker` processes with the same FLAREWATCH_QUEUE' };
  return { status: 'ok', ...base };
}
