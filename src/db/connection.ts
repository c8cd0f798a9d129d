// The one SQLite connection module: opens the database with WAL, foreign keys and a busy
// timeout, then applies forward-only numbered migrations (src/db/migrations/NNN-name.sql).
import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Db = Database.Database;

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface OpenOptions {
  /** run pending migrations (default true) */
  migrate?: boolean;
  readonly?: boolean;
  /** faster, less durable settings for throwaway databases (replay on a temp file) */
  scratch?: boolean;
}

export function openDb(path: string, opts: OpenOptions = {}): Db {
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
export function migrate(db: Db, migrations = loadMigrations()): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const done = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
        .run(m.version, m.name, new Date().toISOString());
    })();
    applied.push(m.version);
  }
  return applied;
}
