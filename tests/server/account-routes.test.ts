// The source page's account routes (src/server/routes/account-routes.ts) in process, with a real
// account pool on SQLite and a stand-in for the QR login service: who may do what (viewers read,
// only admins change, API tokens never), the CSRF token on every change, the audit trail, the
// resume path (paused accounts active again, the saved session's captcha flag cleared, a run
// started at once), removing an account with its saved session, and what is never answered
// (cookies, proxy credentials).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Server } from 'node:http';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../src/db/connection.js';
import { storeOf } from '../../src/db/store/index.js';
import { readEnv } from '../../src/config/env.js';
import { createApp, type AppDeps } from '../../src/server/app.js';
import { UserAccounts } from '../../src/server/user-accounts.js';
import { AccountPool } from '../../src/crawl/account-pool.js';
import { SessionStore } from '../../src/crawl/browser-session.js';
import { sourceConfig } from '../../src/crawl/sources-config.js';
import { getAdapter } from '../../src/crawl/registry.js';
import type { LoginService, LoginView } from '../../src/crawl/qr-login.js';

const NOW = new Date('2026-03-03T09:00:00Z');
const PW: Record<string, string> = { admin: 'admin-pass-123', analyst: 'analyst-pass-1', viewer: 'viewer-pass-1' };

describe('source account routes', () => {
  const db = openDb(':memory:');
  const sessions = new SessionStore(mkdtempSync(join(tmpdir(), 'fw-acct-routes-')));
  const env = { ...readEnv({}), vars: { XHS_A: 'a=1; web_session=secret-env-value' } };
  const pool = new AccountPool({ store: storeOf(db).accounts, sessions, env, lookupSecret: (n) => env.vars[n as 'XHS_A'] });
  const cfg = sourceConfig({ id: 'xhs-brand', adapter: 'xhs', url: 'https://www.xiaohongshu.com/search_result?keyword=x', accounts: [
    { name: 'a', cookiesEnv: 'XHS_A', proxy: 'http://user:proxy-pass@10.1.1.1:3128' }, { name: 'b' }] });
  const runs: string[] = [];
  const started: unknown[] = [];
  const view: LoginView = { id: 'l1', sourceId: 'xhs-brand', account: 'qr-1', state: 'waiting', startedAt: NOW.toISOString(), qrAt: NOW.toISOString(), expiresAt: null, qrVersion: 1, capture: 'qr', message: null, guessed: [] };
  const logins: LoginService = {
    start: async (_c, _a, req) => { started.push(req); return view; },
    status: () => view,
    qr: () => ({ png: Buffer.from('89504e470d0a1a0a', 'hex'), version: 1 }),
    cancel: () => true,
  };
  let server: Server;
  let url = '';
  let token = '';
  const s: Record<string, { cookie: string; csrf: string }> = {};

  beforeAll(async () => {
    const users = new UserAccounts(db);
    for (const [u, p] of Object.entries(PW)) await users.add(u, p, u as 'admin', NOW);
    token = users.addToken('ingest-1', 'ingest', NOW);
    pool.register(cfg, await getAdapter('xhs'), NOW);
    const deps: AppDeps = {
      db, env, secret: 'test-secret', now: () => NOW,
      crawler: { status: () => [], runNow: async (id) => { runs.push(id); return null; } },
      accounts: { pool, logins, source: (id) => (id === cfg.id ? cfg : null), adapter: (id) => getAdapter(id) },
    };
    server = await new Promise<Server>((ok) => { const x = createApp(deps).listen(0, '127.0.0.1', () => ok(x)); });
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/v1`;
    for (const u of Object.keys(PW)) {
      const r = await fetch(`${url}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: u, password: PW[u] }) });
      s[u] = { cookie: (r.headers.get('set-cookie') ?? '').split(';')[0], csrf: ((await r.json()) as { csrfToken: string }).csrfToken };
    }
  });
  afterAll(async () => { server.closeAllConnections(); await new Promise((r) => server.close(r)); });

  const call = (method: string, path: string, who?: string, o: { csrf?: boolean; body?: unknown; bearer?: string } = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (who) { headers.cookie = s[who].cookie; if (o.csrf !== false) headers['x-csrf-token'] = s[who].csrf; }
    if (o.bearer) headers.authorization = `Bearer ${o.bearer}`;
    return fetch(`${url}${path}`, { method, headers, body: o.body === undefined ? (method === 'GET' ? undefined : '{}') : JSON.stringify(o.body) });
  };
  const audits = (action: string) => db.prepare('SELECT actor, target, detail FROM audit_log WHERE action = ? ORDER BY id').all(action) as { actor: string; target: string; detail: string }[];

  it('lists accounts to any signed-in user, without a cookie or the proxy\'s credentials; unknown sources 404, signed-out 401', async () => {
    expect((await call('GET', '/sources/xhs-brand/accounts')).status).toBe(401);
    const r = await call('GET', '/sources/xhs-brand/accounts', 'viewer');
    expect(r.status).toBe(200);
    const text = await r.text();
    const body = JSON.parse(text) as { pooled: boolean; login: { available: boolean; guessed: string[] }; accounts: { name: string; proxy: string | null; cookiesEnv: unknown }[] };
    expect(body.pooled).toBe(true);
    expect(body.login).toMatchObject({ available: true });
    expect(body.login.guessed).toContain('qrSelector');
    expect(body.accounts.map((a) => [a.name, a.proxy, a.cookiesEnv])).toEqual([['a', 'http://10.1.1.1:3128', { name: 'XHS_A', set: true }], ['b', null, null]]);
    expect(text).not.toMatch(/secret-env-value|proxy-pass|web_session/);
    expect((await call('GET', '/sources/nope/accounts', 'viewer')).status).toBe(404);
  });

  it('resume: admin only, CSRF-checked, audited; paused accounts come back, the session\'s captcha flag is cleared, a run starts', async () => {
    const a = storeOf(db).accounts.byName('xhs-brand', 'a')!;
    storeOf(db).accounts.setState(a.id, 'paused', 'captcha: a captcha appeared', 1, NOW);
    sessions.save('xhs', 'xhs-brand.a', { cookies: [], localStorage: {}, savedAt: null, challenge: { kind: 'captcha', at: NOW.toISOString(), url: 'https://www.xiaohongshu.com/website-login/captcha' } });
    expect((await call('POST', '/sources/xhs-brand/resume', 'viewer')).status).toBe(403);
    expect((await call('POST', '/sources/xhs-brand/resume', 'analyst')).status).toBe(403);
    expect((await call('POST', '/sources/xhs-brand/resume', undefined, { bearer: token })).status).toBe(403);
    const noCsrf = await call('POST', '/sources/xhs-brand/resume', 'admin', { csrf: false });
    expect(noCsrf.status).toBe(403);
    expect(((await noCsrf.json()) as { error: string }).error).toMatch(/CSRF/);
    expect(storeOf(db).accounts.byName('xhs-brand', 'a')!.state).toBe('paused');
    expect(runs).toEqual([]);
    const ok = await call('POST', '/sources/xhs-brand/resume', 'admin');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, resumed: ['a'], crawling: true });
    expect(storeOf(db).accounts.byName('xhs-brand', 'a')).toMatchObject({ state: 'active', stateReason: null, errorScore: 0 });
    expect(sessions.load('xhs', 'xhs-brand.a').challenge).toBeNull();
    expect(runs).toEqual(['xhs-brand']);
    expect(audits('source.resume')).toEqual([{ actor: 'admin', target: 'source:xhs-brand', detail: '{"accounts":["a"]}' }]);
    // one named account, a retired one too; an unknown name is a 404
    const b = storeOf(db).accounts.byName('xhs-brand', 'b')!;
    storeOf(db).accounts.setState(b.id, 'retired', 'HTTP 403', 3, NOW);
    expect(await (await call('POST', '/sources/xhs-brand/resume', 'admin', { body: { account: 'b' } })).json()).toMatchObject({ resumed: ['b'] });
    expect((await call('POST', '/sources/xhs-brand/resume', 'admin', { body: { account: 'zz' } })).status).toBe(404);
  });

  it('QR login: start, status and the code are admin-only; start and cancel are CSRF-checked and audited', async () => {
    expect((await call('POST', '/sources/xhs-brand/login', 'analyst', { body: { account: 'qr-1' } })).status).toBe(403);
    expect((await call('POST', '/sources/xhs-brand/login', 'admin', { csrf: false, body: { account: 'qr-1' } })).status).toBe(403);
    expect(started).toEqual([]);
    const r = await call('POST', '/sources/xhs-brand/login', 'admin', { body: { account: 'qr-1', proxy: 'http://10.2.2.2:8080' } });
    expect(r.status).toBe(202);
    expect(started).toEqual([{ account: 'qr-1', proxy: 'http://10.2.2.2:8080' }]);
    expect(audits('source.login.start')).toEqual([{ actor: 'admin', target: 'source:xhs-brand', detail: '{"account":"qr-1"}' }]);
    expect((await call('GET', '/sources/xhs-brand/login', 'viewer')).status).toBe(403);
    expect((await call('GET', '/sources/xhs-brand/login/qr.png', 'analyst')).status).toBe(403);
    const png = await call('GET', '/sources/xhs-brand/login/qr.png', 'admin');
    expect(png.status).toBe(200);
    expect(png.headers.get('cache-control')).toBe('no-store');
    expect((await call('DELETE', '/sources/xhs-brand/login', 'admin', { csrf: false })).status).toBe(403);
    expect(await (await call('DELETE', '/sources/xhs-brand/login', 'admin')).json()).toEqual({ ok: true, cancelled: true });
    expect(audits('source.login.cancel')).toHaveLength(1);
  });

  it('removing an account: admin only, CSRF-checked, audited; its saved session goes with it', async () => {
    const b = storeOf(db).accounts.byName('xhs-brand', 'b')!;
    sessions.save('xhs', 'xhs-brand.b', { cookies: [{ name: 'web_session', value: 'v', domain: '.xiaohongshu.com', path: '/' }], localStorage: {}, savedAt: NOW.toISOString(), challenge: null });
    expect((await call('DELETE', `/sources/xhs-brand/accounts/${b.id}`, 'analyst')).status).toBe(403);
    expect((await call('DELETE', `/sources/xhs-brand/accounts/${b.id}`, 'admin', { csrf: false })).status).toBe(403);
    expect(existsSync(sessions.file('xhs', 'xhs-brand.b'))).toBe(true);
    const r = await call('DELETE', `/sources/xhs-brand/accounts/${b.id}`, 'admin');
    expect(await r.json()).toEqual({ ok: true, removed: { id: b.id, name: 'b' } });
    expect(storeOf(db).accounts.byName('xhs-brand', 'b')).toBeNull();
    expect(existsSync(sessions.file('xhs', 'xhs-brand.b'))).toBe(false);
    expect(audits('source.account.remove')).toEqual([{ actor: 'admin', target: 'source:xhs-brand', detail: '{"account":"b"}' }]);
    expect((await call('DELETE', `/sources/xhs-brand/accounts/${b.id}`, 'admin')).status).toBe(404);
  });

  it('answers 503 where no crawler runs', async () => {
    const app = createApp({ db, env, secret: 'test-secret', now: () => NOW });
    const x = await new Promise<Server>((ok) => { const y = app.listen(0, '127.0.0.1', () => ok(y)); });
    try {
      const r = await fetch(`http://127.0.0.1:${(x.address() as { port: number }).port}/api/v1/sources/xhs-brand/accounts`, { headers: { cookie: s.viewer.cookie } });
      expect(r.status).toBe(503);
    } finally { x.closeAllConnections(); await new Promise((r) => x.close(r)); }
  });
});
