// The crawl_inbox table (migration 010), its one owner. Workers put a job's observations and
// summary in one row, in one transaction, before their job is acknowledged; the monitor takes
// pending rows oldest first, ingests their observations into the pipeline, then marks them
// taken. A crash between the two ingests a row again, which is harmless: an observation is an
// idempotent upsert (source + id, a snapshot per `at`).
import type { Db } from '../db/connection.js';
import type { Observation } from '../core/observation.js';
import type { CrawlJobKind, ResultSummary } from './crawl-jobs.js';

export interface InboxRow { jobId: string; sourceId: string; kind: CrawlJobKind; worker: string; summary: ResultSummary; observations: Observation[] }

const KEEP_TAKEN_MS = 24 * 3_600_000;

export class CrawlInbox {
  private readonly insert;
  private readonly byJob;
  private readonly pending;
  private readonly take;
  private readonly prune;
  private lastPrune = 0;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(`INSERT INTO crawl_inbox (job_id, source_id, kind, worker, created_at, summary, observations, items)
      VALUES (@jobId, @sourceId, @kind, @worker, @createdAt, @summary, @observations, @items) ON CONFLICT (job_id) DO NOTHING`);
    this.byJob = db.prepare('SELECT summary FROM crawl_inbox WHERE job_id = ?').pluck();
    this.pending = db.prepare('SELECT id, job_id AS jobId, observations FROM crawl_inbox WHERE ingested_at IS NULL ORDER BY id LIMIT ?');
    this.take = db.prepare('UPDATE crawl_inbox SET ingested_at = ?, observations = NULL WHERE id = ? AND ingested_at IS NULL');
    this.prune = db.prepare('DELETE FROM crawl_inbox WHERE ingested_at IS NOT NULL AND ingested_at < ?');
  }

  /** The summary an earlier attempt of this job stored, or null. */
  stored(jobId: string): ResultSummary | null {
    const s = this.byJob.get(jobId) as string | undefined;
    return s ? JSON.parse(s) as ResultSummary : null;
  }

  /** Store a job's result; false when the job had stored one already (then nothing changes). */
  put(row: InboxRow, now: Date): boolean {
    return this.db.transaction(() => this.insert.run({
      jobId: row.jobId, sourceId: row.sourceId, kind: row.kind, worker: row.worker, createdAt: now.toISOString(),
      summary: JSON.stringify(row.summary), observations: JSON.stringify(row.observations), items: row.observations.length,
    }).changes === 1)();
  }

  /**
   * Hand pending rows' observations to `ingest`, oldest first, marking each taken after it was
   * ingested; at most `limit` rows. Returns the observations ingested. A row that fails to ingest
   * stays pending (and stops this drain) so it is tried again.
   */
  drain(ingest: (obs: Observation[], jobId: string) => void, now: Date, limit = 20): number {
    let n = 0;
    for (const r of this.pending.all(limit) as { id: number; jobId: string; observations: string | null }[]) {
      const obs = r.observations ? JSON.parse(r.observations) as Observation[] : [];
      if (obs.length) ingest(obs, r.jobId);
      this.take.run(now.toISOString(), r.id);
      n += obs.length;
    }
    if (now.getTime() - this.lastPrune > 3_600_000) {
      this.lastPrune = now.getTime();
      this.prune.run(new Date(now.getTime() - KEEP_TAKEN_MS).toISOString());
    }
    return n;
  }

  pendingCount(): number {
    return this.db.prepare('SELECT count(*) FROM crawl_inbox WHERE ingested_at IS NULL').pluck().get() as number;
  }
}
