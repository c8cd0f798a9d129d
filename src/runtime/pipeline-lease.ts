// Which monitor runs the pipeline. Several monitors may share one PostgreSQL database: one of them
// (the leader) runs the pipeline, the crawl scheduler and the report schedule; the others serve
// the dashboard and the API, send alerts (the outbox's sender leases keep each delivery to one
// sender), put what is posted to their ingest API in the crawl inbox for the leader, and take
// over when the leader's connection ends (a PostgreSQL session advisory lock, which the server
// releases when the process dies or its connection drops). On SQLite a monitor always leads: one
// monitor per database file.
import { dialectOf, type Db } from '../db/connection.js';
import { storeOf } from '../db/store/index.js';

/** The advisory lock key of the pipeline role (any constant shared by all monitors). */
const PIPELINE_LOCK = 7_219_412;

export interface PipelineLease {
  /** Try to become the leader; true when this monitor is (or already was) the leader. */
  tryAcquire(): boolean;
  readonly held: boolean;
  /** Who else may hold it, for the log: another session's pid and address, if the database says. */
  holder(): string | null;
}

export function pipelineLease(db: Db): PipelineLease {
  const pg = dialectOf(db) === 'postgres';
  let held = !pg;
  return {
    get held() { return held; },
    tryAcquire() {
      if (held) return true;
      held = storeOf(db).leases.tryTake(PIPELINE_LOCK);
      return held;
    },
    holder() {
      return pg ? storeOf(db).leases.holder(PIPELINE_LOCK) : null;
    },
  };
}
