// `flarewatch demo` honours PORT and FLAREWATCH_DB as `start` does, with --port / --db first
// (issue 14 item 3). A database the user names is kept, never recreated.
import { describe, it, expect, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readEnv } from '../../src/config/env.js';
import { openDb } from '../../src/db/connection.js';
import { UserAccounts } from '../../src/server/user-accounts.js';
import { demoSettings } from '../../src/cli/commands/demo.js';
import { UserError } from '../../src/core/errors.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'fw-demo-env-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('demoSettings', () => {
  const dir = '/x/demo';
  it('defaults: its own database in DIR (recreated each run) and port 8080', () => {
    expect(demoSettings({}, readEnv({}), dir)).toEqual({ dbPath: '/x/demo/demo.db', dbNamed: false, port: 8080, portNamed: false });
  });
  it('PORT and FLAREWATCH_DB apply', () => {
    expect(demoSettings({}, readEnv({ PORT: '9123', FLAREWATCH_DB: 'data/mine.db' }), dir)).toEqual({ dbPath: resolve('data/mine.db'), dbNamed: true, port: 9123, portNamed: true });
  });
  it('--port and --db win over them', () => {
    expect(demoSettings({ port: '9200', db: '/tmp/flag.db' }, readEnv({ PORT: '9123', FLAREWATCH_DB: 'data/mine.db' }), dir)).toEqual({ dbPath: '/tmp/flag.db', dbNamed: true, port: 9200, portNamed: true });
  });
  it('a PORT that is not a port is refused with the fix', () => {
    expect(() => demoSettings({}, readEnv({ PORT: 'eighty' }), dir)).toThrow(UserError);
    expect(() => demoSettings({ port: '70000' }, readEnv({}), dir)).toThrow(/--port: '70000' is not a port number/);
  });
});

function freePort(): Promise<number> {
  return new Promise((ok) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => ok(p)); }); });
}

describe('the demo process', () => {
  it('serves on PORT and writes FLAREWATCH_DB, keeping what that database held', async () => {
    const port = await freePort();
    const db = join(tmp, 'named', 'demo-here.db');
    const pre = openDb(db); // an existing database the user named: kept, users and all
    await new UserAccounts(pre).add('alice', 'alice-password-1', 'admin', new Date());
    pre.close();
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
      "const m = await import('./src/cli/main.ts'); process.exitCode = await m.runCli(process.argv.slice(1));", 'demo', '--dir', join(tmp, 'demo')],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), FLAREWATCH_DB: db, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    try {
      const started = Date.now();
      while (!/Dashboard: /.test(out) && Date.now() - started < 60_000 && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      expect(out, err).toContain(`Dashboard: http://127.0.0.1:${port}/`);
      const health = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json() as { status: string; setup: { id: string }[] };
      expect(health.status).toBe('ok');
      expect(health.setup.map((i) => i.id)).toEqual(['public-url-unset']); // the demo's receiver works; its links are local
      expect(existsSync(db)).toBe(true);
      expect(existsSync(join(tmp, 'demo', 'demo.db'))).toBe(false);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const after = openDb(db);
    expect(new UserAccounts(after).list().map((u) => u.username).sort()).toEqual(['alice', 'demo']);
    after.close();
  }, 90_000);
});
