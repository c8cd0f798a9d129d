// Prepared statements kept per connection for the store modules: a statement is prepared the first
// time its SQL is asked for and reused after (hot paths never prepare twice, and a store built
// before a table exists still works). SQL built per call with a varying shape (an IN list of n
// placeholders) is prepared directly instead, so the cache stays bounded.
import type { Db } from '../connection.js';

export type Statement = ReturnType<Db['prepare']>;

export class StatementCache {
  private readonly rows = new Map<string, Statement>();
  private readonly firsts = new Map<string, Statement>();
  constructor(private readonly db: Db) {}

  /** The statement for `sql` (rows as objects). */
  sql(sql: string): Statement {
    let s = this.rows.get(sql);
    if (!s) this.rows.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  /** The statement for `sql` answering the first column only (better-sqlite3's pluck). */
  pluck(sql: string): Statement {
    let s = this.firsts.get(sql);
    if (!s) this.firsts.set(sql, (s = this.db.prepare(sql).pluck()));
    return s;
  }
}
