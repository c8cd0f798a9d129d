// Prepared statements kept for a connection: each SQL text is prepared on its first use and then
// reused, so a store module can write its SQL where it is used without re-preparing it per call
// and without preparing, up front, statements a connection never runs (a read-only or an
// unmigrated database). Plucking and raw statements are kept apart from row statements, since
// pluck() and raw() switch a statement's mode.
import type Database from 'better-sqlite3';
import type { Db } from '../connection.js';

export type Statement = Database.Statement<unknown[], unknown>;

export class Statements {
  private readonly rows = new Map<string, Statement>();
  private readonly plucked = new Map<string, Statement>();
  private readonly raws = new Map<string, Statement>();

  constructor(private readonly db: Db) {}

  /** `sql` prepared once; rows come back as objects. */
  get(sql: string): Statement {
    let s = this.rows.get(sql);
    if (!s) this.rows.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  /** `sql` prepared once; each row comes back as its first column's value. */
  pluck(sql: string): Statement {
    let s = this.plucked.get(sql);
    if (!s) this.plucked.set(sql, (s = this.db.prepare(sql).pluck()));
    return s;
  }

  /** `sql` prepared once; rows come back as arrays. */
  raw(sql: string): Statement {
    let s = this.raws.get(sql);
    if (!s) this.raws.set(sql, (s = this.db.prepare(sql).raw()));
    return s;
  }
}
