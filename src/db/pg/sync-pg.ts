// A synchronous PostgreSQL connection with the part of better-sqlite3's API the store uses
// (prepare().run/get/all/iterate/pluck/raw, exec, transaction, inTransaction, close), so the
// store's modules and the pipeline's synchronous core run unchanged on either database.
//
// How: a worker thread owns a pg.Client (pg-worker.cjs). A call posts its request on a
// MessagePort and blocks in Atomics.wait on a shared word until the worker has answered; the
// answer is then read synchronously with receiveMessageOnPort. A round trip on loopback costs
// 0.1-0.5 ms, so inside a transaction writes are queued and sent together (one multi-statement
// query) before the next read or the commit, and iterate() pages through a server-side cursor.
// SQL is rewritten once per prepared statement (pg-dialect.ts). A lost connection is reported
// once (onLost) and the connection refuses further use.
import { Worker, MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { toPostgres, type PgStatementText } from './pg-dialect.js';
import { UserError } from '../../core/errors.js';

const require = createRequire(import.meta.url);

/** PostgreSQL cannot be reached or refuses the login: the user's to fix, not a crash. */
export class DatabaseUnavailableError extends UserError {
  override name = 'UserError';
  constructor(what: string) {
    super(what, 'start PostgreSQL, or fix FLAREWATCH_DB / --db (postgres://USER:PASSWORD@HOST:PORT/DATABASE[?schema=NAME])');
  }
}

/** A PostgreSQL error, with the statement that failed. */
export class PgError extends Error {
  constructor(message: string, readonly code: string | undefined, readonly sql?: string) {
    super(message);
    this.name = 'PgError';
  }
}

interface Reply { ok: boolean; command?: string; lost?: boolean; connect?: boolean; fields?: string[]; rows?: unknown[][]; count?: number; message?: string; code?: string; detail?: string }

export interface RunResult { changes: number; lastInsertRowid: number }

export interface SyncPgOptions {
  /** per statement, default 60 s */
  statementTimeoutMs?: number;
  /** how long a call waits for the worker before giving up, default statement timeout + 10 s */
  callTimeoutMs?: number;
  name?: string;
  /** read only: no schema is created, every transaction is read-only */
  readonly?: boolean;
}

/** Rows fetched per round trip when a statement is iterated. */
const ITERATE_PAGE = 1000;

export class SyncPgStatement {
  private mode: 'object' | 'pluck' | 'raw' = 'object';
  readonly reader: boolean;
  constructor(private readonly conn: SyncPg, readonly source: string, private readonly pg: PgStatementText) {
    this.reader = !pg.write;
  }
  pluck(on = true): this { this.mode = on ? 'pluck' : 'object'; return this; }
  raw(on = true): this { this.mode = on ? 'raw' : 'object'; return this; }

  private values(args: unknown[]): unknown[] {
    if (this.pg.names) {
      const obj = (args[0] ?? {}) as Record<string, unknown>;
      return this.pg.names.map((n) => {
        if (!(n in obj)) throw new RangeError(`Missing named parameter "${n}"`);
        return param(obj[n]);
      });
    }
    const flat = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
    if (flat.length !== this.pg.positional) throw new RangeError(`Too ${flat.length < this.pg.positional ? 'few' : 'many'} parameter values were provided`);
    return flat.map(param);
  }

  private shape(r: Reply): unknown[] {
    const rows = r.rows ?? [];
    if (this.mode === 'raw') return rows;
    if (this.mode === 'pluck') return rows.map((row) => row[0]);
    const fields = r.fields ?? [];
    return rows.map((row) => {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < fields.length; i++) o[fields[i]] = row[i];
      return o;
    });
  }

  run(...args: unknown[]): RunResult {
    if (!this.reader || this.pg.insertInto) {
      const deferred = this.conn.defer(this.pg.text, this.values(args), this.source, !!(this.pg.insertInto && this.pg.returning));
      if (deferred) return deferred;
    }
    const r = this.conn.query(this.pg.text, this.values(args), this.source);
    let lastInsertRowid = 0;
    if (this.pg.insertInto && this.pg.returning && r.rows?.length) lastInsertRowid = Number(r.rows[r.rows.length - 1][0]) || 0;
    return { changes: r.count ?? 0, lastInsertRowid };
  }
  get(...args: unknown[]): any {
    return this.shape(this.conn.query(this.pg.text, this.values(args), this.source))[0];
  }
  all(...args: unknown[]): any[] {
    return this.shape(this.conn.query(this.pg.text, this.values(args), this.source));
  }
  /**
   * Rows a page at a time, as SQLite steps through them: a reading statement runs as a server-side
   * cursor WITH HOLD (held by the server, so it needs no open transaction and the caller may write
   * between pages), fetched ITERATE_PAGE rows at a time and closed when the loop ends or breaks.
   */
  *iterate(...args: unknown[]): IterableIterator<any> {
    if (this.pg.write || this.pg.returning || !/^\s*(SELECT|WITH|VALUES)\b/i.test(this.pg.text)) {
      yield* this.all(...args);
      return;
    }
    const name = this.conn.cursorName();
    this.conn.query(`DECLARE ${name} NO SCROLL CURSOR WITH HOLD FOR ${this.pg.text}`, this.values(args), this.source);
    try {
      for (;;) {
        const r = this.conn.query(`FETCH ${ITERATE_PAGE} FROM ${name}`, [], this.source);
        yield* this.shape(r);
        if ((r.rows?.length ?? 0) < ITERATE_PAGE) return;
      }
    } finally {
      if (this.conn.open) try { this.conn.query(`CLOSE ${name}`, []); } catch { /* the connection is gone */ }
    }
  }
}

/** COMMIT answers ROLLBACK, without an error, when PostgreSQL had aborted the transaction (a failed statement the caller caught). */
function committed(r: Reply): void {
  if (r.command === 'ROLLBACK') throw new PgError('the transaction was rolled back, not committed: a statement in it failed (PostgreSQL aborts the whole transaction then)', '25P02');
}

function param(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') throw new TypeError('SQLite3 can only bind numbers, strings, bigints, buffers, and null');
  return v;
}

interface Deferred { sql: string; params: unknown[]; source: string; returnsId: boolean; done: boolean; changes: number; id: number }

/** The tables whose primary key is an identity column, and that column (for lastInsertRowid). */
type IdentityMap = Map<string, string>;

export class SyncPg {
  readonly dialect = 'postgres' as const;
  readonly name: string;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private readonly callTimeoutMs: number;
  private depth = 0;
  private seq = 0;
  private everConnected = false;
  private lostReported = false;
  /** Called once when an established connection is lost for good (the monitor stops, to be restarted). */
  onLost: ((reason: string) => void) | null = null;
  private closed = false;
  private identity: IdentityMap | null = null;
  private readonly cache = new Map<string, PgStatementText>();
  private pending: Deferred[] = [];
  open = true;

  constructor(readonly url: string, opts: SyncPgOptions = {}) {
    const { url: connUrl, schema } = splitSchema(url);
    this.name = redactUrl(url);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const statementTimeoutMs = opts.statementTimeoutMs ?? 60_000;
    this.callTimeoutMs = opts.callTimeoutMs ?? statementTimeoutMs + 10_000;
    this.worker = new Worker(fileURLToPath(new URL('./pg-worker.cjs', import.meta.url)), {
      workerData: { url: connUrl, schema, readonly: !!opts.readonly, port: port2, signal: this.signal, pgPath: require.resolve('pg'), statementTimeoutMs, name: opts.name },
      transferList: [port2],
    });
    this.worker.unref();
    this.port.unref();
  }

  get inTransaction(): boolean { return this.depth > 0; }

  /** One request to the worker, waited for synchronously. */
  private call(msg: Record<string, unknown>, sql?: string): Reply {
    if (this.closed) throw new PgError('The database connection is not open', undefined, sql);
    const id = ++this.seq;
    const seen = Atomics.load(this.signal, 0);
    this.port.postMessage({ ...msg, id });
    const deadline = performance.now() + this.callTimeoutMs;
    let got: { message: unknown } | undefined;
    // The worker posts its answer, then bumps the signal word and wakes us. Read answers until ours
    // arrives (an answer is only visible once posted, so wake-ups without one wait again briefly).
    for (;;) {
      got = receiveMessageOnPort(this.port);
      if (got && (got.message as { id?: number }).id === id) break;
      if (got) continue; // a stale answer to a call that gave up: never mistaken for this one
      const left = deadline - performance.now();
      if (left <= 0) break;
      Atomics.wait(this.signal, 0, seen, left); // at once when the word has moved already
    }
    if (!got) {
      // the connection's state is unknown now (a statement may still run, or the network is cut):
      // refuse further use, and report it as lost, as a dropped connection is
      const what = `PostgreSQL did not answer within ${this.callTimeoutMs} ms (${this.name}); the connection is closed`;
      if (this.everConnected) this.lose(what);
      this.closed = true;
      this.open = false;
      void this.worker.terminate();
      throw new PgError(what, 'ETIMEDOUT', sql);
    }
    const r = got.message as Reply;
    if (!r.ok && r.lost && this.everConnected) this.lose(r.message ?? 'connection lost');
    if (r.ok) this.everConnected = true;
    if (!r.ok) {
      const conn = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|password authentication|no pg_hba|database ".*" does not exist|role ".*" does not exist/.test(r.message ?? '');
      if (conn || r.connect) throw new DatabaseUnavailableError(`cannot use PostgreSQL at ${this.name}: ${r.message}`);
      throw new PgError(`${r.message}${r.detail ? ` (${r.detail})` : ''}`, r.code, sql);
    }
    return r;
  }

  /**
   * Inside a transaction a write's answer is rarely read, so writes wait in a queue and go to the
   * worker together (one round trip), before the next read, exec or COMMIT, or when the caller
   * reads the result's changes or lastInsertRowid. A failed write then throws from that later call;
   * the transaction rolls back either way.
   */
  defer(text: string, params: unknown[], source: string, returnsId: boolean): RunResult | null {
    if (this.depth === 0) return null;
    const item: Deferred = { sql: text, params, source, returnsId, done: false, changes: 0, id: 0 };
    this.pending.push(item);
    if (this.pending.length >= 500) this.flush();
    const conn = this;
    return {
      get changes() { if (!item.done) conn.flush(); return item.changes; },
      get lastInsertRowid() { if (!item.done) conn.flush(); return item.id; },
    };
  }

  /** Send the deferred writes now. */
  flush(): void {
    if (!this.pending.length) return;
    const items = this.pending;
    this.pending = [];
    const r = this.call({ op: 'batch', items: items.map((i) => ({ sql: i.sql, params: i.params })) }) as Reply & { results: { count: number; first: unknown }[]; failed: (Reply & { index: number; whole?: boolean }) | null };
    r.results.forEach((res, k) => {
      const it = items[k];
      it.done = true;
      it.changes = res.count;
      it.id = it.returnsId && res.first != null ? Number(res.first) : 0;
    });
    if (r.failed) {
      for (const it of items) it.done = true;
      const bad = items[r.failed.index];
      const where = r.failed.whole ? `one of ${items.length} queued writes, the first` : 'in';
      throw new PgError(`${r.failed.message}${r.failed.detail ? ` (${r.failed.detail})` : ''}\n  ${where}: ${bad.source.replace(/\s+/g, ' ').trim().slice(0, 300)}`, r.failed.code, bad.source);
    }
  }

  /** FLAREWATCH_PG_STATS=1: round trips per statement, printed to stderr at close */
  private readonly stats = process.env.FLAREWATCH_PG_STATS ? new Map<string, number>() : null;

  query(text: string, params: unknown[], source?: string): Reply {
    this.flush();
    if (this.stats) this.stats.set(text, (this.stats.get(text) ?? 0) + 1);
    try {
      return this.call({ op: 'query', sql: text, params }, source ?? text);
    } catch (e) {
      if (e instanceof PgError && source) e.message += `\n  in: ${source.replace(/\s+/g, ' ').trim().slice(0, 300)}`;
      throw e;
    }
  }

  /** The connection is gone: refuse further use and tell whoever listens, once. */
  private lose(reason: string): void {
    this.closed = true;
    this.open = false;
    this.pending = [];
    void this.worker.terminate();
    if (this.lostReported) return;
    this.lostReported = true;
    const cb = this.onLost;
    if (cb) queueMicrotask(() => cb(reason));
  }

  /** Run SQL text as is (several statements allowed; PostgreSQL syntax, no parameters). */
  exec(sql: string): this {
    // hand-written transaction control, as the replay command does on SQLite
    const ctl = /^\s*(BEGIN|COMMIT|END|ROLLBACK)\b(?:\s+(?:IMMEDIATE|DEFERRED|EXCLUSIVE|TRANSACTION))?\s*;?\s*$/i.exec(sql);
    if (ctl) {
      const w = ctl[1].toUpperCase();
      if (w === 'ROLLBACK') this.pending = [];
      else this.flush();
      const r = this.call({ op: 'exec', sql: w === 'END' ? 'COMMIT' : w });
      this.depth = w === 'BEGIN' ? this.depth + 1 : 0;
      if (w === 'COMMIT' || w === 'END') committed(r);
      return this;
    }
    this.flush();
    this.call({ op: 'exec', sql });
    return this;
  }

  prepare(sql: string): SyncPgStatement {
    let pg = this.cache.get(sql);
    if (!pg) {
      pg = toPostgres(sql);
      if (pg.insertInto && !pg.returning) {
        const col = this.identityOf(pg.insertInto);
        if (col) pg = { ...pg, text: `${pg.text} RETURNING ${col}`, returning: true };
      }
      this.cache.set(sql, pg);
    }
    return new SyncPgStatement(this, sql, pg);
  }

  private identityOf(table: string): string | undefined {
    if (!this.identity) {
      const r = this.call({ op: 'query', sql: `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'`, params: [] });
      this.identity = new Map((r.rows ?? []).map((row) => [String(row[0]), String(row[1])]));
    }
    return this.identity.get(table.toLowerCase());
  }

  private cursors = 0;
  /** A name for a new server-side cursor of this connection. */
  cursorName(): string {
    return `fw_cursor_${++this.cursors}`;
  }

  /** Forget cached schema facts (after migrations). */
  schemaChanged(): void { this.identity = null; this.cache.clear(); }

  /** better-sqlite3's transaction(): BEGIN/COMMIT, a savepoint when nested; rolls back on a throw. */
  transaction<F extends (...args: any[]) => any>(fn: F): F & { immediate: F; deferred: F; exclusive: F; default: F } {
    const run = ((...args: unknown[]) => {
      const nested = this.depth > 0;
      const sp = `fw_sp_${this.depth}`;
      this.flush();
      this.call({ op: 'exec', sql: nested ? `SAVEPOINT ${sp}` : 'BEGIN' });
      this.depth++;
      let inside = true;
      try {
        const out = fn(...args);
        this.flush();
        this.depth--;
        inside = false;
        const r = this.call({ op: 'exec', sql: nested ? `RELEASE SAVEPOINT ${sp}` : 'COMMIT' });
        if (!nested) committed(r);
        return out;
      } catch (e) {
        if (inside) this.depth--;
        this.pending = [];
        try { this.call({ op: 'exec', sql: nested ? `ROLLBACK TO SAVEPOINT ${sp}; RELEASE SAVEPOINT ${sp}` : 'ROLLBACK' }); } catch { /* the connection is gone; the server rolls back */ }
        throw e;
      }
    }) as F;
    return Object.assign(run, { immediate: run, deferred: run, exclusive: run, default: run });
  }

  /** pragma() has no PostgreSQL meaning; the few the store reads are answered here. */
  pragma(source: string, opts?: { simple?: boolean }): unknown {
    if (/^\s*data_version\s*$/i.test(source)) return opts?.simple ? 0 : [{ data_version: 0 }];
    return opts?.simple ? undefined : [];
  }

  close(): this {
    if (this.closed) return this;
    try { this.flush(); } catch { /* the open transaction is lost with the connection */ }
    if (this.stats) {
      const top = [...this.stats].sort((a, b) => b[1] - a[1]).slice(0, 15);
      process.stderr.write(`pg round trips by statement:\n${top.map(([t, n]) => `${String(n).padStart(8)}  ${t.replace(/\s+/g, ' ').slice(0, 150)}`).join('\n')}\n`);
    }
    try { this.call({ op: 'close' }); } catch { /* already gone */ }
    this.closed = true;
    this.open = false;
    void this.worker.terminate();
    return this;
  }
}

/** Our own `schema=NAME` URL parameter: the connection works in that schema (made if missing). */
function splitSchema(url: string): { url: string; schema: string | undefined } {
  const m = /([?&])schema=([^&]*)(&?)/.exec(url);
  if (!m) return { url, schema: undefined };
  const rest = url.slice(0, m.index) + (m[3] ? m[1] : '') + url.slice(m.index + m[0].length);
  return { url: rest.replace(/[?&]$/, ''), schema: decodeURIComponent(m[2]) };
}

/** postgres://user:secret@host/db -> postgres://user:***@host/db */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

export { isPostgresUrl } from '../location.js';
