// The synchronous PostgreSQL connection's transactions and failures (src/db/pg/sync-pg.ts): a
// COMMIT the server refuses leaves the connection able to nest transactions as before; a
// transaction PostgreSQL aborted (an error the caller caught) is not reported as committed; a
// call that times out is reported as a lost connection, once. Skips without PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncPg } from '../../src/db/pg/sync-pg.js';
import { startPostgres, HAS_POSTGRES, type PgServer } from './postgres-server.js';

let pg: PgServer | null = null;
beforeAll(async () => { if (HAS_POSTGRES) pg = await startPostgres(); }, 120_000);
afterAll(async () => { await pg?.stop(); });

describe.skipIf(!HAS_POSTGRES)('SyncPg transactions', () => {
  it('after a COMMIT the server refuses, a later inner transaction that fails rolls back only itself', () => {
    const db = new SyncPg(pg!.freshUrl('commitfail'));
    try {
      db.exec(`CREATE TABLE d (v INTEGER, CONSTRAINT d_u UNIQUE (v) DEFERRABLE INITIALLY DEFERRED);
        CREATE TABLE t (v TEXT)`);
      const insD = db.prepare('INSERT INTO d (v) VALUES (?)');
      const insT = db.prepare('INSERT INTO t (v) VALUES (?)');
      // the duplicate is only detected at COMMIT (a deferred constraint)
      expect(() => db.transaction(() => { insD.run(1); insD.run(1); })()).toThrow(/d_u|duplicate/);
      expect(db.inTransaction).toBe(false);
      db.transaction(() => {
        insT.run('outer');
        try {
          db.transaction(() => { insT.run('inner'); throw new Error('inner fails'); })();
        } catch { /* the inner one alone is undone */ }
      })();
      expect(db.prepare('SELECT v FROM t ORDER BY v').pluck().all()).toEqual(['outer']);
      expect(db.prepare('SELECT count(*) FROM d').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });

  it('a transaction PostgreSQL aborted is not reported as committed (its writes are gone)', () => {
    const db = new SyncPg(pg!.freshUrl('aborted'));
    try {
      db.exec('CREATE TABLE t (v TEXT)');
      const insT = db.prepare('INSERT INTO t (v) VALUES (?)');
      expect(() => db.transaction(() => {
        insT.run('kept?');
        try { db.prepare('SELECT 1 / 0').get(); } catch { /* caught, as SQLite code may; PostgreSQL aborted the transaction */ }
      })()).toThrow(/rolled back/);
      expect(db.inTransaction).toBe(false);
      expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(0);
      // hand-written transaction control says so too
      db.exec('BEGIN');
      insT.run('kept?');
      try { db.prepare('SELECT 1 / 0').get(); } catch { /* aborted */ }
      expect(() => db.exec('COMMIT')).toThrow(/rolled back/);
      expect(db.inTransaction).toBe(false);
      // and the connection goes on
      db.transaction(() => { insT.run('yes'); })();
      expect(db.prepare('SELECT v FROM t').pluck().all()).toEqual(['yes']);
    } finally {
      db.close();
    }
  });

  it('a call that times out is reported as a lost connection, once', async () => {
    const db = new SyncPg(pg!.freshUrl('timeout'), { statementTimeoutMs: 30_000, callTimeoutMs: 400 });
    const lost: string[] = [];
    db.onLost = (r) => lost.push(r);
    expect(db.prepare('SELECT 1 AS one').get()).toEqual({ one: 1 });
    expect(() => db.prepare('SELECT pg_sleep(3)').get()).toThrow(/did not answer/);
    expect(() => db.prepare('SELECT 1').get()).toThrow(/not open/);
    await new Promise((r) => setTimeout(r, 10));
    expect(lost).toHaveLength(1);
    expect(db.open).toBe(false);
  });
});
