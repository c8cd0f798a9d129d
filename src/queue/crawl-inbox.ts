// The crawl inbox (the crawl_inbox table, migration 010, kept by SourcesStore). Workers put a job's observations and
// summary in one row, in one transaction, before their job is acknowledged; the monitor takes
// pending rows oldest first, ingests their observations into the pipeline, then marks them
// taken. A crash between the two ingests a row again, which is harmless: an observation is an
// idempotent upsert (source + id, a snapshot per `at`).
import type { Db } from '../db/connection.js';
import { storeOf } from '../db/store/index.js';
import type { SourcesStore } from '../db/store/sources-store.js';
import type { Observation } from '../core/observation.js';
import type { CrawlJobKind, ResultSummary } from './crawl-jobs.js';

export interface InboxRow { jobId: string; sourceId: string; kind: CrawlJobKind; worker: string; summary: ResultSummary; observations: Observation[] }

const KEEP_TAKEN_MS = 24 * 3_600_000;

export class CrawlInbox {
  private readonly store: SourcesStore;
  private lastPrune = 0;

  constructor(db: Db) {
    this.store = storeOf(db).sources;
  }

  /** The summary an earlier attempt of this job stored, or null. */
  stored(jobId: string): ResultSummary | null {
    const s = this.store.inboxSummary(jobId);
    return s ? JSON.parse(s) as ResultSummary : null;
  }

  /** Store a job's result; false when the job had stored one already (then nothing changes). */
  put(row: InboxRow, now: Date): boolean {
    return this.store.inboxPut({
      jobId: row.jobId, sourceId: row.sourceId, kind: row.kind, worker: row.worker, createdAt: now.toISOString(),
      summary: JSON.stringify(row.summary), observations: JSON.stringify(row.observations), items: row.observations.length,
    });
  }

  /**
   * Hand pending rows' observations to `ingest`, oldest first, marking each taken after it was
   * ingested; at most `limit` rows. Returns the observations ingested. A row that fails to ingest
   * stays pending (and stops this drain) so it is tried again.
   */
  drain(ingest: (obs: Observation[], jobId: string) => void, now: Date, limit = 20): number {
    let n = 0;
    for (const r of this.store.inboxPending(limit)) {
      const obs = r.observations ? JSON.parse(r.observations) as Observation[] : [];
      if (obs.length) ingest(obs, r.jobId);
      this.store.inboxTake(r.id, now.toISOString());
      n += obs.length;
    }
    if (now.getTime() - this.lastPrune > 3_600_000) {
      this.lastPrune = now.getTime();
      this.store.inboxPrune(new Date(now.getTime() - KEEP_TAKEN_MS).toISOString());
    }
    return n;
  }

  pendingCount(): number {
    return this.store.inboxPendingCount();
  }
}
