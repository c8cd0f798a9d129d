// The account pool's queue-mode parts without Redis: what a queued job carries (queueOrder), the
// worker's side (JobAccounts: the order, what each account met, an account whose session file or
// cookie is not on this worker skipped and said so, a captcha flag older than a resume cleared),
// and the monitor applying a report once (AccountPool.applyOutcome), on SQLite and on PostgreSQL
// (its guarded updates are portable SQL).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { openDb, type Db } from '../../src/db/connection.js';
import { startPostgres, HAS_POSTGRES, PG_SKIP_MESSAGE, type PgServer } from '../db/postgres-server.js';
import { storeOf } from '../../src/db/store/index.js';
import { readEnv } from '../../src/config/env.js';
import { defineAdapter, type AnyAdapter } from '../../src/crawl/adapter.js';
import { AdapterConfigError, BlockedError } from '../../src/crawl/errors.js';
import { AccountPool } from '../../src/crawl/account-pool.js';
import { SessionStore, SessionChallengeError } from '../../src/crawl/browser-session.js';
import { JobAccounts, type AccountJarCache, type AccountOutcome, type QueuedAccount } from '../../src/crawl/job-accounts.js';

const adapter: AnyAdapter = defineAdapter({
  id: 'acct-j', description: 'test platform', example: 'http://127.0.0.1/', params: z.object({}).strict(), features: { requireConfig: [] },
  login: { site: 'acct-j', url: 'https://acct.example/login', domain: 'acct.example', qrSelector: 'img.qr', loginCookies: ['sid'] },
  parse: () => ({ observations: [] }),
});
const URL_ = 'http://127.0.0.1:9/api';
const T0 = '2026-03-01T00:00:00.000Z';

function queued(id: number, name: string, o: Partial<QueuedAccount> = {}): QueuedAccount {
  return { id, sourceId: 'plat', name, sessionRef: `acct-j/plat.${name}`, cookiesEnv: null, proxy: null, errorScore: 0, stateAt: T0, sessionSaved: false, queuedAt: T0, ...o };
}

function worker(accounts: QueuedAccount[], vars: Record<string, string> = {}, sessions = new SessionStore(mkdtempSync(join(tmpdir(), 'fw-ja-')))) {
  const jars: AccountJarCache = new Map();
  return { ja: new JobAccounts({ accounts, jars, sessions, env: { ...readEnv({}), vars }, lookupSecret: (k) => vars[k] }), jars, sessions };
}

describe('JobAccounts (a crawl worker running a queued job)', () => {
  it('tries the accounts in the job\'s order and reports what each met: captcha, login page, other block, error score, ok', () => {
    const accts = ['a', 'b', 'c', 'd', 'e'].map((n, i) => queued(i + 1, n, { cookiesEnv: `C_${n}`, errorScore: n === 'd' ? 1 : 0 }));
    const { ja, jars } = worker(accts, Object.fromEntries(accts.map((a) => [a.cookiesEnv!, `acct=${a.name}`])));
    const tried = new Set<number>();
    const at = new Date();
    const next = () => { const a = ja.pick('plat', tried)!; tried.add(a.id); return { a, jar: ja.jarFor(a, adapter, URL_) }; };
    let r = next();
    expect(r.jar.header(new URL(URL_))).toBe('acct=a'); // the cookie from this worker's environment
    // (a block retires the jar in the fetcher, as in-process)
    r.jar.retire();
    ja.settle(r.a, r.jar, new SessionChallengeError('captcha', 'acct-j', 'plat.a', URL_), at);
    r = next();
    r.jar.retire();
    ja.settle(r.a, r.jar, new SessionChallengeError('login', 'acct-j', 'plat.b', URL_), at);
    r = next();
    r.jar.retire();
    ja.settle(r.a, r.jar, new BlockedError('HTTP 461 from x'), at);
    r = next();
    expect(r.jar.errorScore).toBe(1); // starts at the monitor's score
    r.jar.markBad(0.5);
    ja.settle(r.a, r.jar, null, at);
    r = next();
    r.jar.markBad(0.5); r.jar.markGood();
    ja.settle(r.a, r.jar, null, at);
    expect(ja.pick('plat', tried)).toBeNull();
    const out = ja.results().map((o) => [o.name, o.outcome, o.errorScore, o.primary]);
    expect(out).toEqual([['a', 'captcha', 3, true], ['b', 'login-required', 3, false], ['c', 'blocked', 3, false], ['d', 'error', 1.5, false], ['e', 'ok', 0, false]]);
    expect(ja.results()[0]).toMatchObject({ reason: expect.stringMatching(/a captcha appeared for account 'plat.a'/), stateAt: T0, queuedAt: T0, sourceId: 'plat' });
    // the blocked accounts' jars are dropped; the others' are kept for the next job
    expect([...jars.keys()].sort()).toEqual([4, 5]);
  });

  it('sends the cookies of a saved session read by reference; keeps the jar across jobs, at the monitor\'s score', () => {
    const sessions = new SessionStore(mkdtempSync(join(tmpdir(), 'fw-ja-')));
    sessions.save('acct-j', 'plat.q', { cookies: [{ name: 'acct', value: 'q', domain: '127.0.0.1', path: '/' }], localStorage: {}, savedAt: T0, challenge: null });
    const a = queued(1, 'q', { sessionSaved: true });
    const first = worker([a], {}, sessions);
    const jar = first.ja.jarFor(first.ja.pick('plat', new Set())!, adapter, URL_);
    expect(jar.header(new URL(URL_))).toBe('acct=q');
    jar.store(new URL(URL_), 'rotated=1; Path=/');
    const again = new JobAccounts({ accounts: [{ ...a, errorScore: 2 }], jars: first.jars, sessions, env: readEnv({}) });
    const jar2 = again.jarFor(again.pick('plat', new Set())!, adapter, URL_);
    expect(jar2).toBe(jar);
    expect(jar2.header(new URL(URL_))).toBe('acct=q; rotated=1');
    expect(jar2.errorScore).toBe(2);
  });

  it('an account whose session file or cookie is not on this worker is skipped, untouched, and the run says what to copy or set', () => {
    const sessions = new SessionStore(mkdtempSync(join(tmpdir(), 'fw-ja-')));
    const accts = [queued(1, 'file', { sessionSaved: true }), queued(2, 'env', { cookiesEnv: 'XHS_COOKIES_2' }), queued(3, 'visitor')];
    const { ja } = worker(accts, {}, sessions);
    expect(ja.pick('plat', new Set())?.name).toBe('visitor'); // needs nothing this worker lacks
    expect(ja.pick('plat', new Set([3]))).toBeNull();
    const [f, e] = ja.results();
    expect(f).toMatchObject({ name: 'file', outcome: 'unavailable', primary: true });
    expect(f.reason).toBe(`account 'file' needs its saved session ${sessions.file('acct-j', 'plat.file')} (copy it from the monitor's machine, mode 0600)`);
    expect(e.reason).toBe("account 'env' needs its cookie variable XHS_COOKIES_2 (set it in this worker's environment)");
    const err = ja.noAccountError('plat', URL_);
    expect(err).toBeInstanceOf(AdapterConfigError); // not a block: the source is not marked blocked for a worker's setup
    expect(err.message).toMatch(/no account of this job can be used on this worker: account 'file' needs .*; account 'env' needs its cookie variable XHS_COOKIES_2/);
  });

  it('a captcha flag left on this worker is cleared once the monitor resumed the account after it, not before', () => {
    const sessions = new SessionStore(mkdtempSync(join(tmpdir(), 'fw-ja-')));
    const flag = { kind: 'captcha' as const, at: '2026-03-01T00:10:00.000Z', url: 'http://x/captcha' };
    sessions.save('acct-j', 'plat.a', { cookies: [], localStorage: {}, savedAt: T0, challenge: flag });
    worker([queued(1, 'a', { stateAt: '2026-03-01T00:05:00.000Z' })], {}, sessions).ja.pick('plat', new Set()); // a job queued before the captcha
    expect(sessions.load('acct-j', 'plat.a').challenge).toEqual(flag);
    worker([queued(1, 'a', { stateAt: '2026-03-01T00:30:00.000Z' })], {}, sessions).ja.pick('plat', new Set()); // resumed at 00:30
    expect(sessions.load('acct-j', 'plat.a').challenge).toBeNull();
  });
});

let pg: PgServer | null = null;
beforeAll(async () => { if (HAS_POSTGRES) pg = await startPostgres(); }, 120_000);
afterAll(async () => { await pg?.stop(); });
const opened: Db[] = [];
afterAll(() => { for (const db of opened) db.close(); });
const kinds = [
  { name: 'SQLite', open: () => openDb(':memory:') },
  { name: 'PostgreSQL', open: () => openDb(pg!.freshUrl('accounts')) },
];

describe.each(kinds)('AccountPool in queue mode (the monitor), on $name', ({ name, open }) => {
  if (name === 'PostgreSQL' && !HAS_POSTGRES) { console.warn(PG_SKIP_MESSAGE); it.skip('PostgreSQL tests skipped', () => undefined); return; }
  function setup() {
    const db = open();
    opened.push(db);
    const sessions = new SessionStore(mkdtempSync(join(tmpdir(), 'fw-jp-')));
    const pool = new AccountPool({ store: storeOf(db).accounts, sessions, env: readEnv({}) });
    let t = Date.parse('2026-03-01T00:00:00Z');
    const now = () => new Date((t += 1000));
    pool.saveLogin('plat', 'a', 'acct-j/plat.a', 'http://user:pw@10.0.0.1:3128', now());
    pool.saveLogin('plat', 'b', 'acct-j/plat.b', null, now());
    pool.saveLogin('plat', 'c', 'acct-j/plat.c', null, now());
    storeOf(db).accounts.setState(storeOf(db).accounts.byName('plat', 'c')!.id, 'retired', 'HTTP 403', 3, now());
    sessions.save('acct-j', 'plat.b', { cookies: [{ name: 'sid', value: 'secret-b', domain: 'acct.example', path: '/' }], localStorage: {}, savedAt: T0, challenge: null });
    const row = (n: string) => storeOf(db).accounts.byName('plat', n)!;
    return { pool, now, row };
  }
  const outcome = (q: QueuedAccount, o: Partial<AccountOutcome>): AccountOutcome => ({ id: q.id, sourceId: q.sourceId, name: q.name, outcome: 'ok', reason: null, errorScore: q.errorScore, stateAt: q.stateAt, queuedAt: q.queuedAt, primary: true, ...o });

  it('queues the active accounts least recently used first, with references and no secret', () => {
    const { pool, now, row } = setup();
    const at = now();
    const q = pool.queueOrder('plat', at);
    expect(q.map((a) => [a.name, a.sessionRef, a.sessionSaved, a.queuedAt])).toEqual([['a', 'acct-j/plat.a', false, at.toISOString()], ['b', 'acct-j/plat.b', true, at.toISOString()]]);
    expect(JSON.stringify(q)).not.toMatch(/secret-b/);
    pool.markUsed(row('a'), at);
    expect(pool.queueOrder('plat', now()).map((a) => a.name)).toEqual(['b', 'a']);
  });

  it('applies a captcha report once: paused with one event; the same report again, or after a resume, changes nothing', () => {
    const { pool, now, row } = setup();
    const t = now();
    const [a] = pool.queueOrder('plat', t);
    pool.markUsed(row('a'), t);
    const report = outcome(a, { outcome: 'captcha', reason: 'acct-j: a captcha appeared', errorScore: 3 });
    const ev = pool.applyOutcome(report, now());
    expect(ev).toMatchObject({ kind: 'account', account: { name: 'a', state: 'paused' } });
    expect(ev!.message).toMatch(/account 'a' paused: .*captcha: acct-j: a captcha appeared; 1 active account left/);
    const paused = row('a');
    expect(pool.applyOutcome(report, now())).toBeNull();
    expect(row('a')).toEqual(paused);
    pool.resume('plat', now());
    expect(pool.applyOutcome(report, now())).toBeNull();
    expect(row('a')).toMatchObject({ state: 'active', errorScore: 0 });
  });

  it('a fallback account\'s use is counted when its report comes, once; a good run\'s score is kept unless a later job holds the account', () => {
    const { pool, now, row } = setup();
    const t = now();
    const [a, b] = pool.queueOrder('plat', t);
    pool.markUsed(row('a'), t);
    expect(pool.applyOutcome(outcome(a, { outcome: 'blocked', reason: 'HTTP 403' }), now())).toMatchObject({ account: { name: 'a', state: 'retired' } });
    const fb = outcome(b, { outcome: 'error', errorScore: 1.5, primary: false });
    expect(pool.applyOutcome(fb, now())).toBeNull();
    expect(row('b')).toMatchObject({ uses: 1, errorScore: 1.5, state: 'active' });
    pool.applyOutcome(fb, now());
    expect(row('b').uses).toBe(1);
    // an error score of 3 retires, as in-process
    const t2 = now();
    const [b2] = pool.queueOrder('plat', t2);
    pool.markUsed(row('b'), t2);
    expect(pool.applyOutcome(outcome(b2, { outcome: 'error', errorScore: 3 }), now())).toMatchObject({ account: { name: 'b', state: 'retired' } });
    expect(row('b').stateReason).toMatch(/error score 3 reached 3/);
    // a worker without the account's material leaves it alone
    expect(pool.applyOutcome(outcome(b2, { outcome: 'unavailable', reason: 'needs its saved session' }), now())).toBeNull();
  });

  it('a score reported by an older job does not overwrite the one of a job queued later', () => {
    const { pool, now, row } = setup();
    const t1 = now();
    const [a1] = pool.queueOrder('plat', t1);
    pool.markUsed(row('a'), t1);
    const t2 = now();
    pool.markUsed(row('a'), t2); // a second job (a re-observation) holds a too
    pool.applyOutcome(outcome(a1, { outcome: 'error', errorScore: 2 }), now());
    expect(row('a').errorScore).toBe(0);
    pool.applyOutcome(outcome({ ...a1, queuedAt: t2.toISOString() }, { outcome: 'error', errorScore: 1 }), now());
    expect(row('a').errorScore).toBe(1);
  });
});
