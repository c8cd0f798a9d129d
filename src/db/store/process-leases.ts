// Process leases: which of several monitors sharing a database holds a role (the pipeline). On
// PostgreSQL a session advisory lock, which the server releases when the holder's connection ends;
// SQLite has no sessions to hold one (one monitor per database file), so there it is always granted.
// Part of the store layer (src/db/store).
import { dialectOf, type Db } from '../connection.js';

export class ProcessLeases {
  constructor(private readonly db: Db) {}

  /** Take the lease `key` for this connection, without waiting; true when held. */
  tryTake(key: number): boolean {
    if (dialectOf(this.db) !== 'postgres') return true;
    return this.db.prepare('SELECT pg_try_advisory_lock(?::bigint)').pluck().get(key) === 1;
  }

  /** The process holding lease `key` (PostgreSQL: its backend's client address and application name), or null. */
  holder(key: number): string | null {
    if (dialectOf(this.db) !== 'postgres') return null;
    const r = this.db.prepare(`SELECT a.application_name AS app, coalesce(host(a.client_addr), 'local') AS addr, a.pid
      FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objid = ? AND l.classid = 0 AND a.pid <> pg_backend_pid()`).get(key) as { app: string; addr: string; pid: number } | undefined;
    return r ? `${r.app || 'a monitor'} at ${r.addr} (server pid ${r.pid})` : null;
  }
}
