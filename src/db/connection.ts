// The one connection module. A path opens SQLite (the embedded default) with WAL, foreign keys
// and a busy timeout; a postgres:// URL opens PostgreSQL through the synchronous connection in
// src/db/pg (same API, so the store runs unchanged). Either way forward-only numbered migrations
// are applied: src/db/migrations/NNN-name.sql, and their PostgreSQL twins in migrations-pg/.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SyncPg } from './pg/sync-pg.js';
import { isPostgresUrl, dbLocation } from './location.js';

export type Db = Database.Database;
export type Dialect = 'sqlite' | 'postgres';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
const PG_MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations-pg');

/** Which database a connection talks to. */
export function dialectOf(db: Db): Dialect {
  return (db as unknown as { dialect?: string }).dialect === 'postgres' ? 'postgres' : 'sqlite';
}

export { isPostgresUrl, dbLocation };

/** The `schema=` parameter of a PostgreSQL URL (ours: the connection works in that schema). */
export function pgSchemaOf(url: string): string | null {
  const m = /[?&]schema=([^&]*)/.exec(url);
  return m ? decodeURIComponent(m[1]) : null;
}

/** The URL with its `schema=` set to `schema`. */
export function withPgSchema(url: string, schema: string): string {
  const base = url.replace(/([?&])schema=[^&]*&?/, '$1').replace(/[?&]$/, '');
  return `${base}${base.includes('?') ? '&' : '?'}schema=${encodeURIComponent(schema)}`;
}

/** Drop the schema a PostgreSQL connection works in (a throwaway replay's). */
export function dropPgSchema(db: Db): void {
  if (dialectOf(db) !== 'postgres') return;
  db.exec('DO $$ BEGIN EXECUTE format(\'DROP SCHEMA %I CASCADE\', current_schema()); END $$');
}

/** Whether the database holds Flarewatch's tables (a file exists, or a PostgreSQL schema was migrated). */
export function storeExists(location: string): boolean {
  const url = isPostgresUrl(location) ? location : mirrored(location);
  if (!url) return existsSync(location);
  const db = openDb(url, { readonly: true, migrate: false });
  try {
    return !!db.prepare("SELECT to_regclass('schema_migrations') IS NOT NULL").pluck().get();
  } finally {
    db.close();
  }
}

/** No posts and no incidents yet. */
export function isEmptyStore(db: Db): boolean {
  return !db.prepare('SELECT 1 FROM posts LIMIT 1').get() && !db.prepare('SELECT 1 FROM incidents LIMIT 1').get();
}

/**
 * FLAREWATCH_TEST_PG_MIRROR=postgres://... (tests only): every SQLite path this process opens is
 * opened instead as a PostgreSQL schema named after the path (a fresh one for ':memory:'), so the
 * whole test suite can run against PostgreSQL.
 */
function mirrored(path: string): string | null {
  const base = process.env.FLAREWATCH_TEST_PG_MIRROR;
  if (!base || isPostgresUrl(path)) return null;
  const key = path === ':memory:' ? `mem-${process.pid}-${++memories}-${Math.random()}` : resolve(path);
  const schema = 't_' + createHash('sha1').update(key).digest('hex').slice(0, 20);
  return `${base}${base.includes('?') ? '&' : '?'}schema=${schema}`;
}
let memories = 0;

export interface OpenOptions {
  /** run pending migrations (default true) */
  migrate?: boolean;
  readonly?: boolean;
  /** faster, less durable settings for throwaway databases (replay on a temp file) */
  scratch?: boolean;
}

export function openDb(path: string, opts: OpenOptions = {}): Db {
  const pgUrl = isPostgresUrl(path) ? path : mirrored(path);
  if (pgUrl) {
    const db = new SyncPg(pgUrl, { readonly: opts.readonly }) as unknown as Db;
    if (opts.migrate !== false && !opts.readonly) migrate(db);
    return db;
  }
  if (path !== ':memory:' && !opts.readonly) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { readonly: opts.readonly ?? false });
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma(opts.scratch ? 'synchronous = OFF' : 'synchronous = NORMAL');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -65536');
  if (!opts.readonly) immediateTransactions(db);
  if (opts.migrate !== false && !opts.readonly) migrate(db);
  return db;
}

/**
 * Make `db.transaction(fn)()` BEGIN IMMEDIATE. A deferred transaction that reads first and writes
 * later cannot wait for another process's write lock (WAL refuses the upgrade with SQLITE_BUSY at
 * once, whatever the busy timeout); an immediate one takes the lock up front and waits its turn.
 */
function immediateTransactions(db: Db): void {
  const original = db.transaction.bind(db);
  db.transaction = ((fn: (...args: never[]) => unknown) => {
    const t = original(fn);
    const run = ((...args: never[]) => t.immediate(...args)) as unknown as typeof t;
    return Object.assign(run, { deferred: t.deferred, immediate: t.immediate, exclusive: t.exclusive, default: t.immediate });
  }) as typeof db.transaction;
}

export interface Migration { version: number; name: string; sql: string }

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}-[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f.replace(/\.sql$/, ''), sql: readFileSync(join(dir, f), 'utf8') }));
}

/** Apply pending migrations in order, each in its own transaction. Returns the versions applied. */
export function migrate(db: Db, migrations?: Migration[]): number[] {
  const pg = dialectOf(db) === 'postgres';
  migrations ??= loadMigrations(pg ? PG_MIGRATIONS_DIR : MIGRATIONS_DIR);
  const createTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`;
  // PostgreSQL: monitors sharing the database may start together; one creates the table and
  // migrates at a time (CREATE TABLE IF NOT EXISTS itself races there)
  if (pg) db.exec(`BEGIN; SELECT pg_advisory_xact_lock(7219411); ${createTable}; COMMIT`);
  else db.exec(createTable);
  const applied: number[] = [];
  const done = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      if (pg) {
        db.exec('SELECT pg_advisory_xact_lock(7219411)');
        if (db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version)) return;
      }
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
        .run(m.version, m.name, new Date().toISOString());
    })();
    applied.push(m.version);
  }
  if (pg && applied.length) (db as unknown as SyncPg).schemaChanged();
  return applied;
}
