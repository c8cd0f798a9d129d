// SQLITE_BUSY under concurrent writers and readers: two processes ingest into one database file
// while this one reads (posts search, alerts, counts). WAL plus the busy timeout must absorb the
// contention: no error escapes and every observation is stored.
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDb } from '../../src/db/connection.js';
import { searchPosts } from '../../src/server/post-search.js';

const WRITER = fileURLToPath(new URL('./fixtures/db-writer.ts', import.meta.url));

function writer(dbPath: string, rules: string, prefix: string, n: number): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ['--import', 'tsx', WRITER, dbPath, rules, prefix, String(n)], { env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' } });
    let out = '', err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.on('close', (code) => resolve({ code: code ?? 1, out, err }));
  });
}

describe('SQLite under concurrent writers and readers', () => {
  it('two writer processes and a reader: no SQLITE_BUSY escapes, nothing lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-busy-'));
    const rules = join(dir, 'rules');
    mkdirSync(rules);
    writeFileSync(join(rules, 't.yaml'), 'id: c\nname: 并发品牌\nquery: 并发品牌\n');
    const dbPath = join(dir, 'shared.db');
    openDb(dbPath).close(); // migrate once before the writers race
    const N = 3000;
    const writers = Promise.all([writer(dbPath, rules, 'a', N), writer(dbPath, rules, 'b', N)]);
    const db = openDb(dbPath);
    let reads = 0, readErrors = 0;
    let done = false;
    void writers.then(() => { done = true; });
    while (!done) {
      try {
        db.prepare('SELECT count(*) FROM posts').pluck().get();
        searchPosts(db, { q: '并发品牌', limit: 20 });
        db.prepare('SELECT * FROM alerts ORDER BY id DESC LIMIT 50').all();
        reads++;
      } catch { readErrors++; }
      await new Promise((r) => setTimeout(r, 5));
    }
    const results = await writers;
    for (const r of results) {
      expect(r.err).not.toMatch(/SQLITE_BUSY|database is locked/);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toEqual({ stored: N });
    }
    expect(readErrors).toBe(0);
    expect(reads).toBeGreaterThan(10);
    expect(db.prepare('SELECT count(*) FROM posts').pluck().get()).toBe(2 * N);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
