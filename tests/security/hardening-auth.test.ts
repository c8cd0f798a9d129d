// Issue 13 item 9: passwords and sign-in, against the app as `start` assembles it and the real
// `user` command:
// - weak passwords are refused (a 4-character admin password, common ones, sequences);
// - failed sign-ins are limited per address across user names (spraying), per user name across
//   addresses, and X-Forwarded-For is not believed unless FLAREWATCH_TRUST_PROXY names the proxy;
// - `user add` reads the password from a prompt without echo or from --password-stdin, and still
//   takes --password; user names may be Chinese.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawRequest, runCliProcess, startLikeStart, type StartedApp } from './start-app.js';
import { runCli } from '../../src/cli/main.js';
import { readEnv } from '../../src/config/env.js';
import { openDb } from '../../src/db/connection.js';
import { UserAccounts } from '../../src/server/user-accounts.js';
import { checkPasswordStrength, WeakPasswordError } from '../../src/server/password-policy.js';

const signIn = (app: StartedApp, username: string, password: string, o: { localAddress?: string; xff?: string } = {}) => {
  const body = JSON.stringify({ username, password });
  return rawRequest(`${app.url}/api/v1/session`, {
    method: 'POST', localAddress: o.localAddress, body,
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...(o.xff ? { 'x-forwarded-for': o.xff } : {}) },
  });
};

describe('password strength', () => {
  let app: StartedApp;
  beforeAll(async () => { app = await startLikeStart(); }, 30_000);
  afterAll(async () => { await app?.stop(); });

  const addUser = async (password: string, role: string, username = `u${Math.random().toString(36).slice(2, 8)}`) => {
    const s = await app.login('admin');
    return fetch(`${app.url}/api/v1/users`, { method: 'POST', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' }, body: JSON.stringify({ username, password, role }) });
  };

  it('POST /api/v1/users refuses a 4-character admin password, saying how long it must be', async () => {
    const r = await addUser('abcd', 'admin');
    expect(r.status).toBe(400);
    const j = (await r.json()) as { error: string; hint: string };
    expect(j.error).toMatch(/too short.*at least 10/);
    expect(j.hint).toMatch(/10 or more/);
  });
  it('refuses common passwords, sequences and the user name, and accepts a passphrase', async () => {
    for (const [pw, role] of [['password123', 'viewer'], ['12345678', 'viewer'], ['qwertyuiop', 'admin'], ['aaaaaaaaaaaa', 'admin'], ['Password2024!', 'analyst'], ['9chars-ok', 'admin']]) {
      expect((await addUser(pw, role)).status, pw).toBe(400);
    }
    expect((await addUser('liu.wei.2024', 'viewer', 'liu.wei')).status).toBe(400);
    expect((await addUser('晴天 骑车 去 海边 看 灯塔', 'admin')).status).toBe(201);
    expect((await addUser('copper-lantern-9', 'admin')).status).toBe(201);
  });
  it('a password reset goes through the same rules', async () => {
    const s = await app.login('admin');
    const id = app.monitor.db.prepare("SELECT id FROM users WHERE username = 'viewer'").pluck().get() as number;
    const patch = (password: string) => fetch(`${app.url}/api/v1/users/${id}`, { method: 'PATCH', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
    expect((await patch('1234')).status).toBe(400);
    expect((await patch('harbor-violet-31')).status).toBe(200);
  });
  it('the policy itself: lengths count characters, not bytes', () => {
    expect(() => checkPasswordStrength('天气很好我们去', { role: 'viewer' })).toThrow(WeakPasswordError); // 7 characters
    expect(() => checkPasswordStrength('天气很好我们去海边', { role: 'viewer' })).not.toThrow();
  });
});

describe('sign-in limits', () => {
  let app: StartedApp;
  beforeAll(async () => { app = await startLikeStart(); }, 30_000);
  afterAll(async () => { await app?.stop(); });

  it('spraying many user names from one address is stopped, even when X-Forwarded-For changes each time', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 24; i++) statuses.push((await signIn(app, `spray-${i}`, 'Winter2024!', { localAddress: '127.0.0.2', xff: `203.0.113.${i + 1}` })).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    // even a right password is not tried from that address now; another address is unaffected
    const blocked = await signIn(app, 'viewer', 'viewer-pass-lilac', { localAddress: '127.0.0.2' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(String(blocked.json?.error)).toMatch(/from this address/);
    expect((await signIn(app, 'viewer', 'viewer-pass-lilac', { localAddress: '127.0.0.3' })).status).toBe(200);
  }, 60_000);

  it('guessing one user name from many addresses is stopped', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await signIn(app, 'analyst', `guess-${i}-xyz`, { localAddress: `127.0.1.${i + 1}` })).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    const r = await signIn(app, 'analyst', 'wrong-again', { localAddress: '127.0.2.1' });
    expect(r.status).toBe(429);
    expect(String(r.json?.error)).toMatch(/for this user name/);
  }, 60_000);

  it('successful sign-ins are not counted', async () => {
    for (let i = 0; i < 30; i++) expect((await signIn(app, 'admin', 'admin-pass-quartz', { localAddress: '127.0.3.1' })).status).toBe(200);
  }, 60_000);
});

describe('X-Forwarded-For behind a configured proxy', () => {
  let app: StartedApp;
  beforeAll(async () => { app = await startLikeStart({ vars: { FLAREWATCH_TRUST_PROXY: 'loopback' } }); }, 30_000);
  afterAll(async () => { await app?.stop(); });

  it('with FLAREWATCH_TRUST_PROXY=loopback the forwarded address is the one limited', async () => {
    for (let i = 0; i < 20; i++) expect((await signIn(app, `spray-${i}`, 'Winter2024!', { xff: '198.51.100.7' })).status).toBe(401);
    expect((await signIn(app, 'spray-x', 'Winter2024!', { xff: '198.51.100.7' })).status).toBe(429);
    expect((await signIn(app, 'viewer', 'viewer-pass-lilac', { xff: '198.51.100.8' })).status).toBe(200);
  }, 60_000);

  it('a setting that would trust everyone is refused at start', async () => {
    await expect(startLikeStart({ vars: { FLAREWATCH_TRUST_PROXY: 'true' } })).rejects.toThrow(/would believe X-Forwarded-For from anyone/);
  });
});

describe('flarewatch user add', () => {
  let dir: string;
  let dbPath: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'fw-user-')); dbPath = join(dir, 'fw.db'); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const io = (stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(raw: boolean): unknown }) => {
    const out = new PassThrough(), err = new PassThrough();
    let stdout = '', stderr = '';
    out.on('data', (c) => { stdout += c; });
    err.on('data', (c) => { stderr += c; });
    return { io: { stdout: out, stderr: err, env: { ...readEnv({}), dbPath }, now: () => new Date(), ...(stdin ? { stdin } : {}) }, out: () => stdout, err: () => stderr };
  };
  const users = () => { const db = openDb(dbPath); try { return new UserAccounts(db).list().map((u) => `${u.username}:${u.role}`); } finally { db.close(); } };
  const canSignIn = async (name: string, pw: string) => { const db = openDb(dbPath); try { return !!(await new UserAccounts(db).authenticate(name, pw)); } finally { db.close(); } };

  it('refuses a 4-character admin password (exit 2, the rule in the message)', async () => {
    const c = io();
    expect(await runCli(['user', 'add', '--name', 'admin', '--password', 'abcd', '--role', 'admin', '--db', dbPath], c.io)).toBe(2);
    expect(c.err()).toMatch(/password too short: 4 characters, an admin needs at least 10/);
    expect(users()).not.toContain('admin:admin');
  });

  it('--password still works (contracts.md), with a Chinese user name', async () => {
    const c = io();
    expect(await runCli(['user', 'add', '--name', '张三', '--password', 'lotus-bridge-88', '--role', 'analyst', '--db', dbPath], c.io)).toBe(0);
    expect(c.out()).toContain("user '张三' (analyst) saved");
    expect(await canSignIn('张三', 'lotus-bridge-88')).toBe(true);
  });

  it('--password-stdin reads the first line of stdin', async () => {
    const stdin = new PassThrough();
    stdin.end('maple-harbor-204\nignored\n');
    const c = io(stdin);
    expect(await runCli(['user', 'add', '--name', 'ops', '--role', 'admin', '--password-stdin', '--db', dbPath], c.io)).toBe(0);
    expect(await canSignIn('ops', 'maple-harbor-204')).toBe(true);
  });

  it('asks twice on a terminal without echoing the password', async () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true, rawModes: [] as boolean[], setRawMode(raw: boolean) { this.rawModes.push(raw); return this; } });
    const c = io(tty);
    const done = runCli(['user', 'add', '--name', '李四', '--role', 'admin', '--db', dbPath], c.io);
    setTimeout(() => tty.write('granite-'), 20);
    setTimeout(() => tty.write('pelican-7x\u007fX\r'), 40); // a Backspace on the way
    setTimeout(() => tty.write('granite-pelican-7X\r'), 80);
    expect(await done).toBe(0);
    expect(c.err()).toContain('Password: ');
    expect(c.err()).toContain('Repeat password: ');
    expect(c.err() + c.out()).not.toMatch(/granite|pelican/);
    expect(tty.rawModes).toEqual([true, false, true, false]);
    expect(await canSignIn('李四', 'granite-pelican-7X')).toBe(true);
  });

  it('without a terminal and without --password-stdin, it says how to pass the password', async () => {
    const c = io(Object.assign(new PassThrough(), { isTTY: false }));
    expect(await runCli(['user', 'add', '--name', 'bot', '--role', 'viewer', '--db', dbPath], c.io)).toBe(2);
    expect(c.err()).toMatch(/--password-stdin/);
  });

  it('the real command reads --password-stdin from a pipe', async () => {
    const r = await runCliProcess(['user', 'add', '--name', '王五', '--role', 'viewer', '--password-stdin', '--db', dbPath], { stdin: 'quiet-river-stone\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(await canSignIn('王五', 'quiet-river-stone')).toBe(true);
  }, 30_000);

  it('a Chinese user signs in on the started app', async () => {
    const app = await startLikeStart();
    try {
      const db = openDb(join(app.dir, 'fw.db'));
      await new UserAccounts(db).add('张三', 'lotus-bridge-88', 'viewer', new Date());
      db.close();
      const s = await app.login('张三', 'lotus-bridge-88');
      const me = (await (await fetch(`${app.url}/api/v1/session`, { headers: { cookie: s.cookie } })).json()) as { user: { username: string } };
      expect(me.user.username).toBe('张三');
    } finally { await app.stop(); }
  }, 30_000);
});
