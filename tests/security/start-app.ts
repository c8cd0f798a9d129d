// The app exactly as `flarewatch start` assembles it, in process: startMonitor (what start.ts calls)
// on a temp database and rules folder, listening on 127.0.0.1 with a free port. Users and an
// ingest token are created through the same repository the CLI uses; `seedData` adds the dashboard
// fixtures' incidents, alerts and posts before the start. Also runs the real CLI in a child process
// (from the TypeScript sources) for what only a process can show, such as its exit code.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMonitor, type Monitor } from '../../src/runtime/monitor.js';
import { readEnv } from '../../src/config/env.js';
import { openDb } from '../../src/db/connection.js';
import { UserAccounts, type Role } from '../../src/server/user-accounts.js';
import { seed } from '../server/fixtures.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const USERS: Record<string, { password: string; role: Role }> = {
  admin: { password: 'admin-pass-quartz', role: 'admin' },
  analyst: { password: 'analyst-pass-ferns', role: 'analyst' },
  viewer: { password: 'viewer-pass-lilac', role: 'viewer' },
};

export interface Session { cookie: string; csrf: string }
export interface StartedApp {
  /** base URL without the trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  dir: string;
  rulesDir: string;
  monitor: Monitor;
  token: string;
  logs: string[];
  login(user: string, password?: string): Promise<Session>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** extra files under the rules folder (path relative to it → text); a topic file is always there */
  rules?: Record<string, string>;
  /** environment variables as `start` would read them (FLAREWATCH_TRUST_PROXY, ...) */
  vars?: Record<string, string>;
  seedData?: boolean;
}

export async function startLikeStart(opts: StartOptions = {}): Promise<StartedApp> {
  const dir = mkdtempSync(join(tmpdir(), 'fw-sec-'));
  const rulesDir = join(dir, 'rules');
  mkdirSync(join(rulesDir, 'topics'), { recursive: true });
  writeFileSync(join(rulesDir, 'topics', 'brand-x.yaml'), 'id: brand-x\nname: 星河乳业\nquery: 星河乳业 OR 星河牛奶 OR "Xinghe Dairy"\n');
  for (const [name, text] of Object.entries(opts.rules ?? {})) {
    mkdirSync(dirname(join(rulesDir, name)), { recursive: true });
    writeFileSync(join(rulesDir, name), text);
  }
  const dbPath = join(dir, 'fw.db');
  const db = openDb(dbPath);
  if (opts.seedData) seed(db, new Date());
  const users = new UserAccounts(db);
  for (const [name, u] of Object.entries(USERS)) await users.add(name, u.password, u.role, new Date());
  const token = users.addToken('probe', 'ingest', new Date());
  db.close();
  // what start.ts does with its options
  const env = { ...readEnv(opts.vars ?? {}), dbPath, rulesDir, host: '127.0.0.1', port: 0 };
  const logs: string[] = [];
  const monitor = await startMonitor({ env, log: (level, msg) => void logs.push(`${level} ${msg}`) });
  const url = monitor.url.replace(/\/$/, '');
  return {
    url, dir, rulesDir, monitor, token, logs,
    async login(user, password = USERS[user]?.password) {
      const r = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user, password }) });
      if (r.status !== 200) throw new Error(`login ${user}: ${r.status} ${await r.text()}`);
      return { cookie: (r.headers.get('set-cookie') ?? '').split(';')[0], csrf: ((await r.json()) as { csrfToken: string }).csrfToken };
    },
    async stop() {
      await monitor.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A raw HTTP request (node:http), for what fetch will not send: no Content-Type, a chosen source address. */
export function rawRequest(url: string, o: { method?: string; headers?: Record<string, string>; body?: string | Buffer; localAddress?: string }): Promise<{ status: number; text: string; json: Record<string, unknown> | null; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: o.method ?? 'GET', headers: o.headers, localAddress: o.localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> | null = null;
        try { json = JSON.parse(text) as Record<string, unknown>; } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, text, json, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

/** Run `flarewatch ARGS` from the sources (as bin/flarewatch.js does without a build); resolves with the exit code and output. */
export function runCliProcess(args: string[], o: { timeoutMs?: number; env?: Record<string, string>; stdin?: string } = {}): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
      "const m = await import('./src/cli/main.ts'); process.exitCode = await m.runCli(process.argv.slice(1));", ...args],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...o.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', timedOut = false;
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.stdin.end(o.stdin ?? '');
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, o.timeoutMs ?? 30_000);
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr, timedOut }); });
  });
}
