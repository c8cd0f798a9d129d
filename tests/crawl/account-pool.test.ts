// The account pool (src/crawl/account-pool.ts) through the scheduler, against a stand-in site on
// 127.0.0.1 that tells accounts apart by their cookie: runs rotate among active accounts (least
// recently used first); a 403 or the platform's "log in" answer retires an account and the run goes
// on with the next one; a desk notice goes down the source-health path; with none left the run is
// blocked without touching the site; an account's 429s add up to the crawlee error score that
// retires it; each account goes through its own proxy and keeps its own politeness; a captcha
// pauses an account and resume brings it back (and clears the saved session's captcha flag).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { openDb } from '../../src/db/connection.js';
import { storeOf } from '../../src/db/store/index.js';
import { readEnv } from '../../src/config/env.js';
import { startCrawlScheduler, type CrawlSink, type SourceHealthEvent } from '../../src/crawl/scheduler.js';
import { sourceConfig, loadSourcesConfig } from '../../src/crawl/sources-config.js';
import { defineAdapter, parseJson, type AnyAdapter } from '../../src/crawl/adapter.js';
import { BlockedError } from '../../src/crawl/errors.js';
import { HostLimiter } from '../../src/crawl/host-limiter.js';
import { AccountPool, accountLimiter, accountVerdict, pickAccount, type AccountRow } from '../../src/crawl/account-pool.js';
import { SessionStore, SessionChallengeError, SessionRun } from '../../src/crawl/browser-session.js';
import { CookieJar } from '../../src/crawl/cookie-jar.js';
import { getAdapter } from '../../src/crawl/registry.js';
import { handleSourceHealth } from '../../src/alerting/source-health.js';
import { emptyAlertingConfig } from '../../src/config/alerting-config.js';
import type { NoticeQueue } from '../../src/alerting/follow-up.js';
import { ConfigError } from '../../src/core/errors.js';

// the site: items for good accounts; 403 for "b"-like cookies, the platform's "log in" answer for "c", 429 for "slow"
let server: Server;
let base = '';
const seen: string[] = []; // the account cookie of every request, in order
const refuse403 = new Set(['b', 'x', 'y']);
const loginWall = new Set(['c']);
const throttled = new Set(['slow']);
function answer(cookie: string, via: string, res: import('node:http').ServerResponse): void {
  const who = /acct=([\w-]+)/.exec(cookie)?.[1] ?? '';
  seen.push(via ? `${via}:${who}` : who);
  if (refuse403.has(who)) { res.writeHead(403); res.end('forbidden'); return; }
  if (throttled.has(who)) { res.writeHead(429); res.end('slow down'); return; }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(loginWall.has(who) ? { code: -101, msg: 'login required' } : { code: 0, items: [{ id: `${who}-1`, text: `seen by ${who}` }] }));
}

// two proxies that answer themselves (a plain-HTTP request through a proxy is sent to it in absolute form)
const proxies: Server[] = [];
const proxyUrls: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => answer(req.headers.cookie ?? '', '', res));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  for (const name of ['p1', 'p2']) {
    const p = createServer((req, res) => answer(req.headers.cookie ?? '', `${name}${req.url?.startsWith('http://') ? '' : '?'}`, res));
    await new Promise<void>((ok) => p.listen(0, '127.0.0.1', ok));
    proxies.push(p);
    proxyUrls.push(`http://127.0.0.1:${(p.address() as { port: number }).port}`);
  }
});
afterAll(() => { server.close(); for (const p of proxies) p.close(); });

/** A platform that wants a login: its answers carry items, or code -101 (log in), which is a blocked session. */
const adapter: AnyAdapter = defineAdapter({
  id: 'acct-test', description: 'test platform with accounts', example: 'http://127.0.0.1/', params: z.object({}).strict(),
  features: { requireConfig: [] },
  login: { site: 'acct-test', url: 'https://acct.example/login', domain: 'acct.example', qrSelector: 'img.qr', loginCookies: ['sid'] },
  parse({ page }) {
    const j = parseJson(page) as { code: number; items?: { id: string; text: string }[] };
    if (j.code === -101) throw new BlockedError(`acct-test: code -101 (login required) at ${page.url}`, page.url);
    return { observations: (j.items ?? []).map((i) => ({ at: '', source: 'acct-test', kind: 'post' as const, id: i.id, text: i.text })) };
  },
});

const ENV_VARS: Record<string, string> = { A: 'acct=a', B: 'acct=b', C: 'acct=c', D: 'acct=d', X: 'acct=x', Y: 'acct=y', SLOW: 'acct=slow', P1: 'acct=p1', P2: 'acct=p2' };

function setup(accounts: { name: string; cookiesEnv?: string; proxy?: string }[], id = 'plat') {
  const db = openDb(':memory:');
  const dir = mkdtempSync(join(tmpdir(), 'fw-pool-'));
  const env = { ...readEnv({}), vars: ENV_VARS };
  const sessions = new SessionStore(dir);
  const pool = new AccountPool({ store: storeOf(db).accounts, sessions, env, lookupSecret: (n) => ENV_VARS[n] });
  const events: SourceHealthEvent[] = [];
  const sink: CrawlSink = { save: () => undefined, knownIds: () => new Set(), health: (ev) => { events.push(ev); } };
  let t = Date.parse('2026-03-01T00:00:00Z');
  const now = () => new Date((t += 1000));
  const cfg = sourceConfig({ id, adapter: 'acct-test', url: `${base}/api/search`, robots: 'ignore', minIntervalMs: 0, accounts });
  const sched = startCrawlScheduler({
    sources: [cfg], sink, env, manual: true, now, accounts: pool, adapters: new Map([['acct-test', adapter]]),
    limiter: new HostLimiter({ minIntervalMs: 0 }), fetcher: { maxRetries: 2, backoffBaseMs: 1, backoffMaxMs: 2, sleep: async () => undefined },
  });
  const state = (name: string) => storeOf(db).accounts.byName(id, name)!;
  return { db, pool, sched, events, state, sessions, dir, now };
}

describe('account pool: rotation and retirement through the scheduler', () => {
  it('rotates among active accounts; a 403 and a "log in" answer retire theirs and the run goes on with the next; the desk is told', async () => {
    seen.length = 0;
    const { sched, events, state } = setup(['a', 'b', 'c', 'd'].map((n) => ({ name: n, cookiesEnv: n.toUpperCase() })));
    const r1 = await sched.runNow('plat');
    expect(r1).toMatchObject({ outcome: 'ok', items: 1 });
    const r2 = await sched.runNow('plat'); // b (403) and c (log in) are retired on the way to d
    expect(r2).toMatchObject({ outcome: 'ok', items: 1, blocked: false });
    expect(r2.observations?.map((o) => o.id)).toEqual(['d-1']);
    await sched.runNow('plat');
    await sched.runNow('plat');
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'a', 'd']);
    expect(state('b')).toMatchObject({ state: 'retired', errorScore: 3 });
    expect(state('b').stateReason).toMatch(/HTTP 403/);
    expect(state('c').stateReason).toMatch(/code -101 \(login required\)/);
    expect(state('a')).toMatchObject({ state: 'active', uses: 2, errorScore: 0 });
    const acct = events.filter((e) => e.kind === 'account');
    expect(acct.map((e) => e.account)).toEqual([{ name: 'b', state: 'retired' }, { name: 'c', state: 'retired' }]);
    expect(acct[1].message).toMatch(/account 'c' retired: .*2 active accounts left/);
    expect(events.some((e) => e.kind === 'blocked')).toBe(false);
    await sched.stop();
  });

  it('with no active account left the run is blocked (the last block), then blocked without a request; resuming one account brings the source back', async () => {
    seen.length = 0;
    const { sched, events, pool, state, now } = setup([{ name: 'x', cookiesEnv: 'X' }, { name: 'y', cookiesEnv: 'Y' }]);
    const r1 = await sched.runNow('plat');
    expect(r1).toMatchObject({ outcome: 'blocked', items: 0 });
    expect(r1.errors[0]).toMatch(/HTTP 403/);
    expect(events.map((e) => e.kind)).toEqual(['account', 'account', 'blocked']);
    const r2 = await sched.runNow('plat');
    expect(r2.outcome).toBe('blocked');
    expect(r2.errors[0]).toMatch(/no usable account for source plat: x \(retired: .*HTTP 403.*\), y \(retired/);
    expect(seen).toEqual(['x', 'y']); // the second run asked nothing of the site
    refuse403.delete('x'); // someone refreshed x's cookie
    const resumed = pool.resume('plat', now(), 'x');
    expect(resumed.map((a) => [a.name, a.state, a.errorScore])).toEqual([['x', 'active', 0]]);
    const r3 = await sched.runNow('plat');
    expect(r3).toMatchObject({ outcome: 'ok', items: 1 });
    expect(events.at(-1)).toMatchObject({ kind: 'recovered' });
    expect(state('y').state).toBe('retired');
    refuse403.add('x');
    await sched.stop();
  });

  it('an account\'s 429s add up to the crawlee error score (+0.5 each retry) and retire it at 3', async () => {
    seen.length = 0;
    const { sched, state, events } = setup([{ name: 'slow', cookiesEnv: 'SLOW' }]);
    const scores: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await sched.runNow('plat');
      expect(r.outcome).toBe('error');
      scores.push(state('slow').errorScore);
    }
    expect(scores).toEqual([1, 2, 3]);
    expect(state('slow')).toMatchObject({ state: 'retired' });
    expect(state('slow').stateReason).toMatch(/error score 3 reached 3/);
    expect(events.filter((e) => e.kind === 'account').map((e) => e.account)).toEqual([{ name: 'slow', state: 'retired' }]);
    const before = seen.length;
    expect((await sched.runNow('plat')).outcome).toBe('blocked');
    expect(seen.length).toBe(before);
    await sched.stop();
  });

  it('each account goes through its own proxy', async () => {
    seen.length = 0;
    const { sched } = setup([{ name: 'p1', cookiesEnv: 'P1', proxy: proxyUrls[0] }, { name: 'p2', cookiesEnv: 'P2', proxy: proxyUrls[1] }]);
    await sched.runNow('plat');
    await sched.runNow('plat');
    await sched.runNow('plat');
    expect(seen).toEqual(['p1:p1', 'p2:p2', 'p1:p1']);
    await sched.stop();
  });
});

describe('account pool: parts', () => {
  const row = (id: number, name: string, state: AccountRow['state'], lastUsedAt: string | null): AccountRow => ({
    id, sourceId: 's', name, origin: 'config', sessionRef: null, cookiesEnv: null, proxy: null, state, stateReason: null, stateAt: null,
    errorScore: 0, uses: 0, lastUsedAt, lastOkAt: null, createdAt: '', updatedAt: '',
  });

  it('picks the active account never used, else the least recently used; paused and retired ones never', () => {
    const rows = [row(1, 'a', 'active', '2026-01-01T00:00:03Z'), row(2, 'b', 'active', '2026-01-01T00:00:01Z'), row(3, 'c', 'paused', null), row(4, 'd', 'retired', null)];
    expect(pickAccount(rows)?.name).toBe('b');
    expect(pickAccount([...rows, row(5, 'e', 'active', null)])?.name).toBe('e');
    expect(pickAccount(rows, new Set([2]))?.name).toBe('a');
    expect(pickAccount(rows, new Set([1, 2]))).toBeNull();
  });

  it('a captcha pauses, an expired login and other blocks retire, the error score retires at 3', () => {
    expect(accountVerdict(new SessionChallengeError('captcha', 'xhs', 'a'), 0).state).toBe('paused');
    expect(accountVerdict(new SessionChallengeError('login', 'xhs', 'a'), 0)).toMatchObject({ state: 'retired', reason: expect.stringMatching(/^login expired/) });
    expect(accountVerdict(new BlockedError('HTTP 461'), 0)).toMatchObject({ state: 'retired', reason: 'HTTP 461' });
    expect(accountVerdict(null, 2.5)).toEqual({ state: 'active', reason: null });
    expect(accountVerdict(null, 3).state).toBe('retired');
  });

  it('politeness per account: one account waits for its own interval, another account does not wait for it', async () => {
    let t = 0;
    const waits: number[] = [];
    const base = new HostLimiter({ minIntervalMs: 1000, now: () => t, sleep: async (ms) => { waits.push(ms); t += ms; } });
    const a = accountLimiter(base, 1), b = accountLimiter(base, 2);
    await a.run('h', async () => undefined);
    await b.run('h', async () => undefined);
    t += 200;
    await a.run('h', async () => undefined);
    expect(waits).toEqual([800]);
  });

  it('a captcha paused account: settle pauses it, resume makes it active and clears the saved session\'s flag; retired ones stay retired', () => {
    const { pool, state, sessions, now } = setup([{ name: 'a', cookiesEnv: 'A' }, { name: 'b', cookiesEnv: 'B' }], 'xhs-like');
    pool.register(sourceConfig({ id: 'xhs-like', adapter: 'acct-test', url: `${base}/`, accounts: [{ name: 'a', cookiesEnv: 'A' }, { name: 'b', cookiesEnv: 'B' }] }), adapter, now());
    const a = state('a'), b = state('b');
    sessions.save('acct-test', 'xhs-like.a', { cookies: [], localStorage: {}, savedAt: null, challenge: { kind: 'captcha', at: now().toISOString(), url: 'http://x/captcha' } });
    const ev = pool.settle(a, new CookieJar(), new SessionChallengeError('captcha', 'acct-test', 'xhs-like.a'), now());
    expect(ev).toMatchObject({ kind: 'account', account: { name: 'a', state: 'paused' } });
    expect(ev?.message).toMatch(/paused: a captcha waits for a person/);
    pool.settle(b, new CookieJar(), new BlockedError('HTTP 403'), now());
    expect(state('a').state).toBe('paused');
    const resumed = pool.resume('xhs-like', now());
    expect(resumed.map((x) => [x.name, x.state])).toEqual([['a', 'active']]);
    expect(state('b').state).toBe('retired');
    expect(sessions.load('acct-test', 'xhs-like.a').challenge).toBeNull();
    expect(() => pool.resume('xhs-like', now(), 'nobody')).toThrow(/has no account 'nobody'/);
  });

  it('registers sources.yaml accounts: a browser-session source\'s older account param as one account; a list; dropped entries pruned, QR ones kept', async () => {
    const { pool, db, now } = setup([]);
    const xhs = await getAdapter('xhs');
    const legacy = sourceConfig({ id: 'xhs-brand', adapter: 'xhs', url: 'https://www.xiaohongshu.com/search_result?keyword=x', params: { account: 'desk1' }, cookiesEnv: 'XHS_COOKIES' });
    expect(pool.uses(legacy, xhs)).toBe(true);
    expect(pool.register(legacy, xhs, now()).map((a) => [a.name, a.sessionRef, a.cookiesEnv, a.origin])).toEqual([['desk1', 'xhs/desk1', 'XHS_COOKIES', 'config']]);
    pool.saveLogin('xhs-brand', 'qr-1', 'xhs/xhs-brand.qr-1', null, now());
    const listed = { ...legacy, accounts: [{ name: 'team', proxy: 'http://user:secret@10.0.0.1:3128' }] };
    expect(pool.register(listed, xhs, now()).map((a) => [a.name, a.sessionRef, a.origin])).toEqual([['qr-1', 'xhs/xhs-brand.qr-1', 'login'], ['team', 'xhs/xhs-brand.team', 'config']]);
    const view = pool.view(storeOf(db).accounts.byName('xhs-brand', 'team')!);
    expect(view.proxy).toBe('http://10.0.0.1:3128'); // no credentials through the API
    expect(JSON.stringify(view)).not.toMatch(/secret/);
    // zhihu (plain HTTP, QR login): in the pool only once it has an account
    const zhihu = await getAdapter('zhihu');
    const z = sourceConfig({ id: 'zh', adapter: 'zhihu', url: 'https://www.zhihu.com/api/v4/search_v3?q=x' });
    expect(pool.uses(z, zhihu)).toBe(false);
    pool.saveLogin('zh', 'qr-1', 'zhihu/zh.qr-1', null, now());
    expect(pool.uses(z, zhihu)).toBe(true);
  });

  it('a QR-logged-in account of a plain-HTTP adapter sends the cookies its session saved', () => {
    const { pool, sessions, now } = setup([]);
    sessions.save('acct-test', 'plat.qr-1', { cookies: [{ name: 'acct', value: 'qr', domain: '127.0.0.1', path: '/' }, { name: 'z_c0', value: 'v', domain: '.example.com', path: '/' }], localStorage: {}, savedAt: null, challenge: null });
    const a = pool.saveLogin('plat', 'qr-1', 'acct-test/plat.qr-1', null, now());
    const jar = pool.jarFor(a, adapter, `${base}/`);
    expect(jar.header(new URL(`${base}/api`))).toBe('acct=qr');
    expect(jar.header(new URL('https://www.example.com/'))).toBe('z_c0=v');
  });

  it('a crawl that loaded an account\'s session before a QR login of it does not overwrite the new session when it ends', async () => {
    const { sessions } = setup([]);
    const spec = { site: 'acct-test', account: 'plat.qr-1', capture: ['/api/'], settleMs: 0 };
    const page = (value: string) => ({
      url: () => 'http://127.0.0.1/search', evaluate: async () => '',
      createCDPSession: async () => ({ send: async () => ({ cookies: [{ name: 'web_session', value, domain: '127.0.0.1', path: '/' }] }), detach: async () => undefined }),
    }) as unknown as import('puppeteer').Page;
    sessions.save('acct-test', 'plat.qr-1', { cookies: [{ name: 'web_session', value: 'old', domain: '127.0.0.1', path: '/' }], localStorage: {}, savedAt: '2026-03-01T00:00:00.000Z', challenge: null });
    const run = new SessionRun(spec, sessions, () => new Date('2026-03-01T00:05:00Z'));
    sessions.save('acct-test', 'plat.qr-1', { cookies: [{ name: 'web_session', value: 'fresh-login', domain: '127.0.0.1', path: '/' }], localStorage: {}, savedAt: '2026-03-01T00:04:00.000Z', challenge: null });
    await run.after(page('old-page'));
    expect(sessions.load('acct-test', 'plat.qr-1').cookies.map((c) => c.value)).toEqual(['fresh-login']);
    // without a login meanwhile, the run saves what its page holds
    await new SessionRun(spec, sessions, () => new Date('2026-03-01T00:06:00Z')).after(page('rotated'));
    expect(sessions.load('acct-test', 'plat.qr-1')).toMatchObject({ cookies: [{ value: 'rotated' }], savedAt: '2026-03-01T00:06:00.000Z' });
  });

  it('an account event goes to the admin receiver once and leaves the source\'s health state alone', () => {
    const db = openDb(':memory:');
    const notices: { dedup: string; title: string; lines: string[]; level: string }[] = [];
    const q: NoticeQueue = { alerts: () => undefined, notice: (_k, _r, dedup, o) => { notices.push({ dedup, title: o.title, lines: o.lines, level: o.level }); } };
    const config = { ...emptyAlertingConfig(), adminReceiver: 'ops' };
    const ev = { sourceId: 'plat', at: '2026-03-01T00:00:05.000Z', kind: 'account', account: { name: 'c', state: 'paused' as const }, message: "account 'c' paused: a captcha waits for a person" };
    expect(handleSourceHealth(db, config, ev, new Date('2026-03-01T00:00:06Z'), q)).toBeNull();
    expect(notices).toHaveLength(1);
    expect(notices[0].title).toMatch(/source plat: an account was paused \(captcha\)/);
    expect(notices[0].lines.join(' ')).toMatch(/resume on the source page/);
    expect(storeOf(db).sources.healthState('plat')).toBeUndefined();
    expect(db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'source.account'").get()).toEqual({ n: 1 });
  });
});

describe('sources.yaml accounts', () => {
  it('reads accounts and refuses a name listed twice, with its line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-src-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'sources.yaml'), 'sources:\n  - id: xhs-brand\n    adapter: xhs\n    url: https://www.xiaohongshu.com/search_result?keyword=x\n    accounts:\n      - {name: a, cookiesEnv: XHS_A}\n      - {name: b, proxy: "http://10.0.0.2:3128"}\n');
    expect(loadSourcesConfig(dir)[0].accounts).toEqual([{ name: 'a', cookiesEnv: 'XHS_A' }, { name: 'b', proxy: 'http://10.0.0.2:3128' }]);
    writeFileSync(join(dir, 'sources.yaml'), 'sources:\n  - id: xhs-brand\n    adapter: xhs\n    url: https://www.xiaohongshu.com/search_result?keyword=x\n    accounts:\n      - {name: a}\n      - {name: a}\n');
    expect(() => loadSourcesConfig(dir)).toThrow(ConfigError);
    expect(() => loadSourcesConfig(dir)).toThrow(/account 'a' is listed twice/);
  });
});
