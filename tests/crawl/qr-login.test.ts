// QR-code login (src/crawl/qr-login.ts) in real Chromium against a local stand-in of a platform's
// login page on 127.0.0.1: the page shows a QR image in a login panel and asks the stand-in every
// 200 ms whether the code was scanned; a visitor already has a web_session cookie (as on
// Xiaohongshu), and the test's POST /scan makes the next answer set a new one, the login. The xhs
// adapter's login settings are used as declared (their selectors are GUESSED for the live site:
// the stand-in follows them, it does not prove them). Checked: the code's PNG, no false login on
// the visitor cookie, the session saved 0600 as an account and used by the next crawl, a code the
// page calls expired and one past its lifetime, and the same flow through the HTTP API.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../src/db/connection.js';
import { storeOf } from '../../src/db/store/index.js';
import { readEnv } from '../../src/config/env.js';
import { sourceConfig } from '../../src/crawl/sources-config.js';
import { getAdapter } from '../../src/crawl/registry.js';
import { AccountPool } from '../../src/crawl/account-pool.js';
import { SessionStore } from '../../src/crawl/browser-session.js';
import { BrowserRenderer } from '../../src/crawl/browser-renderer.js';
import { QrLoginManager, type LoginView } from '../../src/crawl/qr-login.js';
import { startCrawlScheduler, type SourceHealthEvent } from '../../src/crawl/scheduler.js';
import { HostLimiter } from '../../src/crawl/host-limiter.js';
import { createApp } from '../../src/server/app.js';
import { UserAccounts } from '../../src/server/user-accounts.js';
import { FIXTURES } from '../crawlers/serve-fixtures.js';

const CHROMIUM = process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`skipping the QR login tests: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);

let server: Server;
let base = '';
let scanned = 0; // scans waiting to be turned into a login by the page's next status request
let logins = 0;
let expired = false;
const apiCookies: string[] = [];

const LOGIN_PAGE = `<!doctype html><html><head><meta charset="utf-8"></head><body><div id="app">
<div class="login-container"><img class="qrcode-img" src="/qr.svg" width="160" height="160" alt="qr"><p id="tip">扫码登录</p></div></div>
<script>
  const poll = () => fetch('/login/status').then((r) => r.json()).then((j) => {
    if (j.status === 'expired') { document.getElementById('tip').textContent = '二维码已过期，请点击刷新'; return; }
    if (j.status === 'ok') { localStorage.setItem('login_at', 'stand-in'); document.getElementById('tip').textContent = '登录成功'; return; }
    setTimeout(poll, 200);
  });
  poll();
</script></body></html>`;
// a code-like picture: black modules on white
const QR_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="160" viewBox="0 0 8 8" shape-rendering="crispEdges"><rect width="8" height="8" fill="#fff"/>${
  [[0, 0], [0, 1], [1, 0], [2, 2], [3, 5], [5, 3], [6, 6], [7, 7], [6, 0], [7, 1], [0, 6], [1, 7], [4, 4]].map(([x, y]) => `<rect x="${x}" y="${y}" width="1" height="1"/>`).join('')}</svg>`;
const SEARCH_PAGE = `<!doctype html><html><body><div id="app">loading</div><script>
  fetch('/api/sns/web/v1/search/notes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"keyword":"x"}' })
    .then((r) => r.json()).then((j) => { document.getElementById('app').textContent = j.data.items.length + ' notes'; });
</script></body></html>`;

beforeAll(async () => {
  server = createServer((req, res) => {
    const u = new URL(req.url!, 'http://x');
    const cookie = req.headers.cookie ?? '';
    if (u.pathname === '/explore') {
      const headers: Record<string, string | string[]> = { 'content-type': 'text/html; charset=utf-8' };
      if (!cookie.includes('web_session=')) headers['set-cookie'] = ['web_session=visitor-1; Path=/; HttpOnly'];
      res.writeHead(200, headers); res.end(LOGIN_PAGE); return;
    }
    if (u.pathname === '/qr.svg') { res.writeHead(200, { 'content-type': 'image/svg+xml' }); res.end(QR_SVG); return; }
    if (u.pathname === '/login/status') {
      if (expired) { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"status":"expired"}'); return; }
      if (scanned > 0) {
        scanned--;
        logins++;
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': [`web_session=logged-in-${logins}; Path=/; HttpOnly; Max-Age=86400`] });
        res.end('{"status":"ok"}'); return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"status":"waiting"}'); return;
    }
    if (u.pathname === '/scan' && req.method === 'POST') { scanned++; res.writeHead(204); res.end(); return; }
    if (u.pathname === '/expire' && req.method === 'POST') { expired = true; res.writeHead(204); res.end(); return; }
    if (u.pathname === '/search_result') { res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }); res.end(SEARCH_PAGE); return; }
    if (u.pathname === '/api/sns/web/v1/search/notes') {
      apiCookies.push(cookie);
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }); res.end(readFileSync(FIXTURES + 'xhs/search-notes.json')); return;
    }
    res.writeHead(404); res.end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server.close());

const scan = () => fetch(`${base}/scan`, { method: 'POST' });
async function until<T>(what: string, get: () => Promise<T> | T, ok: (v: T) => boolean, ms = 25_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

describe.skipIf(!hasChromium)('QR-code login against a local stand-in login page', () => {
  const db = openDb(':memory:');
  const dir = mkdtempSync(join(tmpdir(), 'fw-qr-'));
  const sessions = new SessionStore(dir);
  const env = { ...readEnv({}), puppeteerExecutablePath: CHROMIUM };
  const pool = new AccountPool({ store: storeOf(db).accounts, sessions, env });
  const audits: unknown[][] = [];
  let clock = Date.parse('2026-03-02T08:00:00Z');
  const manager = new QrLoginManager({
    pool, sessions, browser: new BrowserRenderer({ executablePath: CHROMIUM, timeoutMs: 20_000 }), now: () => new Date(clock),
    pollMs: 200, refreshMs: 400, openTimeoutMs: 20_000, audit: (...a) => audits.push(a),
  });
  let cfg: ReturnType<typeof sourceConfig>;
  beforeAll(() => { cfg = sourceConfig({ id: 'xhs-brand', adapter: 'xhs', url: `${base}/search_result?keyword=x`, robots: 'ignore', minIntervalMs: 0, params: { comments: 0 } }); });
  afterAll(() => manager.close());

  it('shows the code, does not take the visitor cookie for a login, saves the session 0600 once scanned, and the next crawl uses it', async () => {
    const xhs = await getAdapter('xhs');
    const started = await manager.start(cfg, xhs, { account: 'desk-a' }, 'admin');
    expect(started).toMatchObject({ state: 'starting', account: 'desk-a', sourceId: 'xhs-brand' });
    expect(started.guessed).toContain('qrSelector'); // the live site's selectors are guessed
    const waiting = await until('the code', () => manager.status('xhs-brand')!, (v) => v.state !== 'starting');
    expect(waiting).toMatchObject({ state: 'waiting', capture: 'qr', message: null });
    expect(Date.parse(waiting.expiresAt!) - Date.parse(waiting.qrAt!)).toBe(120_000);
    const qr = manager.qr('xhs-brand')!;
    expect(qr.png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(pngSize(qr.png)).toEqual({ width: 184, height: 184 }); // the 160 px code with a 12 px quiet zone
    await new Promise((r) => setTimeout(r, 1000));
    expect(manager.status('xhs-brand')!.state).toBe('waiting'); // web_session=visitor-1 is not a login
    await scan();
    const done = await until('the login', () => manager.status('xhs-brand')!, (v) => v.state !== 'waiting');
    expect(done).toMatchObject({ state: 'done', account: 'desk-a' });
    expect(manager.qr('xhs-brand')).toBeNull();

    const file = sessions.file('xhs', 'xhs-brand.desk-a');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.cookies.find((c: { name: string }) => c.name === 'web_session')?.value).toBe('logged-in-1');
    expect(saved.localStorage[base]).toEqual({ login_at: 'stand-in' });
    expect(saved.challenge).toBeNull();
    const acct = storeOf(db).accounts.byName('xhs-brand', 'desk-a')!;
    expect(acct).toMatchObject({ origin: 'login', state: 'active', sessionRef: 'xhs/xhs-brand.desk-a', errorScore: 0 });
    expect(audits).toEqual([['admin', 'source.login', 'source:xhs-brand', { account: 'desk-a', origin: 'login' }]]);

    // the next crawl of the source runs under the saved session
    const events: SourceHealthEvent[] = [];
    const sched = startCrawlScheduler({
      sources: [cfg], env, manual: true, accounts: pool, sessions, limiter: new HostLimiter({ minIntervalMs: 0 }), fetcher: { maxRetries: 0 },
      sink: { save: () => undefined, knownIds: () => new Set(), health: (ev) => { events.push(ev); } },
    });
    try {
      const r = await sched.runNow('xhs-brand');
      expect(r.errors).toEqual([]);
      expect(r).toMatchObject({ outcome: 'ok' });
      expect(apiCookies.at(-1)).toContain('web_session=logged-in-1');
      expect(storeOf(db).accounts.byName('xhs-brand', 'desk-a')!.uses).toBe(1);
    } finally {
      await sched.stop();
    }
  }, 90_000);

  it('a code the page calls expired ends the attempt: "expired, get a new one"; a new code can be asked for', async () => {
    const xhs = await getAdapter('xhs');
    await manager.start(cfg, xhs, { account: 'desk-b' });
    await until('the code', () => manager.status('xhs-brand')!, (v) => v.state === 'waiting');
    await fetch(`${base}/expire`, { method: 'POST' });
    const end = await until('the expiry', () => manager.status('xhs-brand')!, (v) => v.state !== 'waiting');
    expect(end).toMatchObject({ state: 'expired', message: 'the QR code expired: get a new one' });
    expect(manager.qr('xhs-brand')).toBeNull();
    expect(storeOf(db).accounts.byName('xhs-brand', 'desk-b')).toBeNull();
    expired = false;
    const again = await manager.start(cfg, xhs, { account: 'desk-b' });
    expect(again.id).not.toBe(end.id);
    await until('the new code', () => manager.status('xhs-brand')!, (v) => v.state === 'waiting');
    clock += 121_000; // past the code's lifetime (the adapter says 120 s)
    const late = await until('the lifetime', () => manager.status('xhs-brand')!, (v) => v.state !== 'waiting');
    expect(late.state).toBe('expired');
  }, 90_000);

  it('through the API: an admin starts a login, gets the code as a PNG (no-store), and the account appears with its session, no cookie shown', async () => {
    const users = new UserAccounts(db);
    await users.add('admin', 'admin-pass-123', 'admin', new Date());
    await users.add('viewer', 'viewer-pass-1', 'viewer', new Date());
    const app = createApp({
      db, env, secret: 'test-secret', now: () => new Date(),
      accounts: { pool, logins: manager, source: (id) => (id === cfg.id ? cfg : null), adapter: (id) => getAdapter(id) },
    });
    const http = await new Promise<Server>((ok) => { const s = app.listen(0, '127.0.0.1', () => ok(s)); });
    const url = `http://127.0.0.1:${(http.address() as { port: number }).port}/api/v1`;
    const session = async (username: string, password: string) => {
      const r = await fetch(`${url}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      return { cookie: (r.headers.get('set-cookie') ?? '').split(';')[0], csrf: ((await r.json()) as { csrfToken: string }).csrfToken };
    };
    try {
      const admin = await session('admin', 'admin-pass-123');
      const viewer = await session('viewer', 'viewer-pass-1');
      const started = await fetch(`${url}/sources/xhs-brand/login`, { method: 'POST', headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' }, body: JSON.stringify({ account: 'desk-c' }) });
      expect(started.status).toBe(202);
      const get = async () => ((await (await fetch(`${url}/sources/xhs-brand/login`, { headers: { cookie: admin.cookie } })).json()) as { login: LoginView }).login;
      const w = await until('the code', get, (v) => v.state === 'waiting');
      const png = await fetch(`${url}/sources/xhs-brand/login/qr.png?v=${w.qrVersion}`, { headers: { cookie: admin.cookie } });
      expect(png.status).toBe(200);
      expect(png.headers.get('content-type')).toBe('image/png');
      expect(png.headers.get('cache-control')).toBe('no-store');
      expect(png.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      expect(Buffer.from(await png.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
      expect((await fetch(`${url}/sources/xhs-brand/login/qr.png`, { headers: { cookie: viewer.cookie } })).status).toBe(403);
      expect((await fetch(`${url}/sources/xhs-brand/login/qr.png`)).status).toBe(401);
      await scan();
      expect((await until('the login', get, (v) => v.state !== 'waiting')).state).toBe('done');
      const listed = await (await fetch(`${url}/sources/xhs-brand/accounts`, { headers: { cookie: viewer.cookie } })).text();
      const body = JSON.parse(listed) as { accounts: { name: string; state: string; session: { saved: boolean } | null }[] };
      expect(body.accounts.find((a) => a.name === 'desk-c')).toMatchObject({ state: 'active', session: { saved: true } });
      expect(listed).not.toMatch(/logged-in-|visitor-1|web_session/);
    } finally {
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
    }
  }, 90_000);
});
