// The account pool in queue mode, with a real redis-server: the monitor's scheduler queues each run
// of a pooled source with its accounts (least recently used first), a crawl worker crawls with
// them (a cookie from its own environment, a saved session file read by reference), and its report
// goes back to the pool: jobs alternate between two accounts; a captcha answer pauses one, the run
// goes on with the other and so does the next job; the desk hears of it once, through the real
// notifier's admin receiver; a retried job reporting the same outcome again, and an old report
// arriving after a person resumed the account, change nothing. No cookie value reaches Redis.
// Politeness per account holds across two workers, keyed by host and account in Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { readEnv } from '../../src/config/env.js';
import { openDb, type Db } from '../../src/db/connection.js';
import { storeOf } from '../../src/db/store/index.js';
import { startCrawlScheduler, type CrawlScheduler } from '../../src/crawl/scheduler.js';
import { sourceConfig } from '../../src/crawl/sources-config.js';
import { defineAdapter, parseJson, type AnyAdapter } from '../../src/crawl/adapter.js';
import { BlockedError } from '../../src/crawl/errors.js';
import { AccountPool } from '../../src/crawl/account-pool.js';
import { SessionStore, SessionChallengeError } from '../../src/crawl/browser-session.js';
import { createDbSink } from '../../src/crawl/db-sink.js';
import { createNotifier, type Notifier } from '../../src/alerting/notifier.js';
import { openCrawlQueue, type CrawlQueue } from '../../src/queue/crawl-queue.js';
import { startCrawlWorker, type CrawlWorker } from '../../src/queue/crawl-worker.js';
import { dbDelivery } from '../../src/queue/observation-delivery.js';
import { CRAWL_QUEUE, KEY_PREFIX, RESULTS_QUEUE, resultJobOptions, type CrawlJobData, type CrawlResultData } from '../../src/queue/crawl-jobs.js';
import type { QueuedAccount } from '../../src/crawl/job-accounts.js';
import { config as alertingConfig, startReceiver, type Receiver } from '../alerting/helpers.js';
import { HAS_REDIS, SKIP_MESSAGE, startRedis, until, type RedisServer } from './helpers.js';

if (!HAS_REDIS) console.warn(SKIP_MESSAGE);

// the site: an item for each account (told apart by its cookie), a captcha answer for those in `captcha`
const seen: { who: string; path: string; t: number }[] = [];
const captcha = new Set<string>();
let site: Server;
let base = '';

/** A platform that wants a login; its captcha answer is what a browser session's captcha page is (SessionChallengeError). */
const adapter: AnyAdapter = defineAdapter({
  id: 'acct-q', description: 'test platform with accounts (queue mode)', example: 'http://127.0.0.1/', params: z.object({}).strict(),
  features: { requireConfig: [] },
  login: { site: 'acct-q', url: 'https://acct.example/login', domain: 'acct.example', qrSelector: 'img.qr', loginCookies: ['sid'] },
  parse({ page }) {
    const j = parseJson(page) as { code: string | number; items?: { id: string; text: string }[]; next?: string };
    if (j.code === 'captcha') throw new SessionChallengeError('captcha', 'acct-q', 'current', page.url);
    if (j.code === -101) throw new BlockedError(`acct-q: code -101 (login required) at ${page.url}`, page.url);
    return {
      observations: (j.items ?? []).map((i) => ({ at: '', source: 'acct-q', kind: 'post' as const, id: i.id, text: i.text })),
      requests: j.next ? [{ url: new URL(j.next, page.url).href, follow: 'next' as const }] : [],
    };
  },
});
const adapters = new Map([['acct-q', adapter]]);

let n = 0;
beforeAll(async () => {
  site = createServer((req, res) => {
    const who = /acct=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1] ?? '';
    const path = new URL(req.url!, 'http://x').pathname;
    seen.push({ who, path, t: performance.now() });
    res.writeHead(200, { 'content-type': 'application/json' });
    if (captcha.has(who)) { res.end(JSON.stringify({ code: 'captcha' })); return; }
    const page = Number(/\/p(\d+)$/.exec(path)?.[1] ?? 1);
    const pages = Number(new URL(req.url!, 'http://x').searchParams.get('pages') ?? 1);
    res.end(JSON.stringify({ code: 0, items: [{ id: `${who}-${++n}`, text: `星河乳业 seen by ${who}` }], next: page < pages ? `${path.replace(/\/p\d+$/, '')}/p${page + 1}?pages=${pages}` : undefined }));
  });
  await new Promise<void>((ok) => site.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(site.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => { site.closeAllConnections(); site.close(() => r()); }));

const quiet = () => undefined;
const fast = { maxRetries: 1, backoffBaseMs: 1, backoffMaxMs: 2, sleep: async () => undefined };

describe.skipIf(!HAS_REDIS)('account pool through the crawl queue', () => {
  let redis: RedisServer, dir: string, db: Db, wdb: Db, rx: Receiver, notifier: Notifier, queue: CrawlQueue, sched: CrawlScheduler, worker: CrawlWorker, conn: Redis;
  let pool: AccountPool;
  let applied = 0;
  const logs: string[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'fw-qacct-'));
    const dbPath = join(dir, 'fw.db');
    db = openDb(dbPath);
    wdb = openDb(dbPath);
    rx = await startReceiver(() => ({ status: 200, body: 'ok' }));
    const env = readEnv({}); // the monitor holds no cookie: the worker's environment does
    notifier = createNotifier(db, alertingConfig(`receivers:\n  - name: desk\n    webhook: {url: "${rx.url}/desk"}\n  - name: admin\n    webhook: {url: "${rx.url}/admin"}\nroute: {receiver: desk}\nadmin_receiver: admin\ndelivery: {initial_backoff: 10ms, max_backoff: 50ms}\n`), { env, secret: 'k' });
    // the monitor's wiring (src/runtime/monitor.ts): health events to the sources table and, but 'ok', to the notifier
    const dbSink = createDbSink(db, () => undefined);
    const sink = { ...dbSink, knownIds: dbSink.knownIds.bind(dbSink), save: dbSink.save.bind(dbSink), health: (ev: Parameters<typeof dbSink.health>[0]) => { dbSink.health(ev); if (ev.kind !== 'ok') notifier.onSourceHealth(ev, new Date()); } };
    const sessions = new SessionStore(join(dir, 'sessions'));
    pool = new AccountPool({ store: storeOf(db).accounts, sessions, env, lookupSecret: (k) => env.vars[k] });
    queue = openCrawlQueue({ url: redis.url, log: quiet, inbox: { db, ingest: () => undefined } });
    await until('queue connected', async () => (await queue.refresh()).up);
    const cfg = sourceConfig({ id: 'plat', adapter: 'acct-q', url: `${base}/api/search`, robots: 'ignore', minIntervalMs: 0, accounts: [{ name: 'a', cookiesEnv: 'ACCT_A_COOKIE' }] });
    sched = startCrawlScheduler({ sources: [cfg], sink, env, manual: true, dispatch: queue, accounts: pool, sessions, adapters,
      log: (level, msg) => void logs.push(`${level} ${msg}`) });
    queue.consumeResults((r) => { sched.applyResult(r.summary, r.kind === 'reobserve'); applied++; });
    // account b: logged in by QR code on the monitor's machine; its cookies are in the session file only
    sessions.save('acct-q', 'plat.b', { cookies: [{ name: 'acct', value: 'b', domain: '127.0.0.1', path: '/' }], localStorage: {}, savedAt: new Date().toISOString(), challenge: null });
    // (registered after a's: sources.yaml's accounts are in the table before the first run)
    await until('a registered', () => pool.list('plat').length === 1);
    pool.saveLogin('plat', 'b', 'acct-q/plat.b', null, new Date());
    worker = startCrawlWorker({ env: { ...readEnv({}), vars: { ACCT_A_COOKIE: 'acct=a' } }, url: redis.url, log: quiet, delivery: () => dbDelivery(wdb), adapters, sessions, fetcher: fast, id: 'acct-worker' });
    conn = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: null });
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await sched?.stop();
    await queue?.close();
    await notifier?.stop();
    conn?.disconnect();
    await rx?.close();
    wdb?.close();
    db?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const acct = (name: string) => storeOf(db).accounts.byName('plat', name)!;
  /** queue one run and wait until the worker's result was applied */
  async function runOnce(): Promise<void> {
    const before = applied;
    expect((await sched.runNow('plat')).outcome).toBe('queued');
    await until('the result applied', () => applied > before);
  }
  const adminNotices = async () => { await notifier.tick(new Date()); return rx.requests.filter((r) => r.url === '/admin'); };

  it('jobs alternate between the two accounts; the job carries names and references, never a cookie', async () => {
    seen.length = 0;
    for (let i = 0; i < 4; i++) await runOnce();
    expect(seen.map((s) => s.who)).toEqual(['a', 'b', 'a', 'b']);
    expect([acct('a').uses, acct('b').uses]).toEqual([2, 2]);
    expect(acct('a')).toMatchObject({ state: 'active', errorScore: 0 });
    expect(sched.status()[0]).toMatchObject({ state: 'ok', itemsTotal: 4 });
    const jobs = await new Queue<CrawlJobData>(CRAWL_QUEUE, { connection: conn, prefix: KEY_PREFIX }).getJobs(['completed']);
    expect(jobs).toHaveLength(4);
    const first = jobs.find((j) => j.data.accounts?.[0].name === 'a')!;
    expect(first.data.accounts!.map((x) => [x.name, x.cookiesEnv, x.sessionRef, x.sessionSaved])).toEqual([['a', 'ACCT_A_COOKIE', 'acct-q/plat.a', false], ['b', null, 'acct-q/plat.b', true]]);
    // nothing in Redis holds a cookie value: the whole keyspace, jobs and results included
    const keys = await conn.keys('*');
    for (const k of keys) {
      const type = await conn.type(k);
      const dump = type === 'hash' ? JSON.stringify(await conn.hgetall(k)) : type === 'string' ? await conn.get(k)
        : type === 'list' ? JSON.stringify(await conn.lrange(k, 0, -1)) : type === 'zset' ? JSON.stringify(await conn.zrange(k, '0', '-1'))
          : type === 'set' ? JSON.stringify(await conn.smembers(k)) : type === 'stream' ? JSON.stringify(await conn.xrange(k, '-', '+')) : `unknown type ${type}`;
      expect(dump ?? '').not.toMatch(/acct=[ab]|"value":"b"|unknown type/);
    }
  }, 60_000);

  it('a captcha answer pauses the account, the run goes on with the other, the next job uses it; the desk is told once', async () => {
    seen.length = 0;
    captcha.add('a');
    await runOnce(); // a (captcha), then b
    expect(seen.map((s) => s.who)).toEqual(['a', 'b']);
    expect(acct('a').state).toBe('paused');
    expect(acct('a').stateReason).toMatch(/^captcha: acct-q: a captcha appeared/);
    expect(acct('b')).toMatchObject({ state: 'active', uses: 3 }); // its use as the fallback counted when the report came
    expect(sched.status()[0]).toMatchObject({ state: 'ok', blocked: false }); // another account worked: the source is fine
    await runOnce();
    expect(seen.map((s) => s.who)).toEqual(['a', 'b', 'b']);
    const notices = await adminNotices();
    expect(notices).toHaveLength(1);
    expect(notices[0].json.notification.title).toMatch(/source plat: an account was paused \(captcha\)/);
    expect(notices[0].json.notification.lines.join(' ')).toMatch(/account 'a' paused: a captcha waits for a person.*1 active account left/);
    expect(logs.some((l) => /source plat: account 'a' paused/.test(l))).toBe(true);
  }, 60_000);

  it('a retried job reports the same outcome again: nothing counted twice; an old report after a resume changes nothing', async () => {
    const crawlQ = new Queue<CrawlJobData>(CRAWL_QUEUE, { connection: conn, prefix: KEY_PREFIX });
    const resultsQ = new Queue<CrawlResultData>(RESULTS_QUEUE, { connection: conn, prefix: KEY_PREFIX });
    try {
      const firstResult = (await resultsQ.getJobs(['completed'])).find((r) => r.data.summary.accounts?.some((x) => x.outcome === 'captcha'))!;
      expect(firstResult.data.summary.accounts!.map((x) => [x.name, x.outcome, x.primary])).toEqual([['a', 'captcha', true], ['b', 'ok', false]]);
      const jobId = firstResult.data.jobId;
      const before = { a: acct('a'), b: acct('b'), hits: seen.length, notices: (await adminNotices()).length };
      // the worker died after storing the observations and reporting, before acknowledging: the job runs again
      // (its report, kept by BullMQ, is gone by now too), finds the stored summary and reports it without crawling
      const data = (await crawlQ.getJob(jobId))!.data;
      await crawlQ.remove(jobId);
      await resultsQ.remove(jobId);
      const n0 = applied;
      await crawlQ.add('crawl', data, { jobId });
      await until('the repeated report applied', () => applied > n0);
      expect(seen.length).toBe(before.hits); // not crawled again
      expect(acct('a')).toEqual(before.a);
      expect(acct('b')).toEqual(before.b); // b's fallback use not counted twice
      expect((await adminNotices()).length).toBe(before.notices);

      // a person solves the captcha and resumes a; then the same old report arrives once more: a stays active
      captcha.delete('a');
      pool.resume('plat', new Date());
      await resultsQ.remove(jobId);
      const n1 = applied;
      await resultsQ.add('result', firstResult.data, resultJobOptions(jobId));
      await until('the old report applied', () => applied > n1);
      expect(acct('a')).toMatchObject({ state: 'active', errorScore: 0 });
      expect((await adminNotices()).length).toBe(before.notices);
      // and a is back in the rotation: least recently used first
      seen.length = 0;
      await runOnce();
      expect(seen.map((s) => s.who)).toEqual(['a']);
    } finally {
      await crawlQ.close();
      await resultsQ.close();
    }
  }, 60_000);

  it('with no active account left the run ends blocked in the monitor, without a job', async () => {
    const waiting = await queue.refresh();
    storeOf(db).accounts.setState(acct('a').id, 'retired', 'HTTP 403', 3, new Date());
    storeOf(db).accounts.setState(acct('b').id, 'retired', 'HTTP 403', 3, new Date());
    const r = await sched.runNow('plat');
    expect(r.outcome).toBe('blocked');
    expect(r.errors[0]).toMatch(/no usable account for source plat: a \(retired: HTTP 403\), b \(retired/);
    expect((await queue.refresh()).counts).toEqual(waiting.counts); // nothing queued
    expect(sched.status()[0]).toMatchObject({ state: 'blocked' });
  }, 30_000);
});

describe.skipIf(!HAS_REDIS)('politeness per account across workers', () => {
  let redis: RedisServer, dir: string;
  beforeAll(async () => { redis = await startRedis(); dir = mkdtempSync(join(tmpdir(), 'fw-qpol-')); });
  afterAll(async () => { await redis?.stop(); rmSync(dir, { recursive: true, force: true }); });

  it("one account's requests keep the source's interval whichever worker sends them; another account does not wait for it", async () => {
    const INTERVAL = 400;
    const conn = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: null });
    const q = new Queue<CrawlJobData>(CRAWL_QUEUE, { connection: conn, prefix: KEY_PREFIX });
    const dbs = [0, 1, 2].map(() => openDb(join(dir, 'fw.db')));
    const at = new Date().toISOString();
    const account = (id: number, name: string): QueuedAccount => ({ id, sourceId: 'plat', name, sessionRef: null, cookiesEnv: `C_${name.toUpperCase()}`, proxy: null, errorScore: 0, stateAt: at, sessionSaved: false, queuedAt: at });
    const job = (id: string, acct: QueuedAccount) => {
      const source = sourceConfig({ id, adapter: 'acct-q', url: `${base}/pol/${id}/p1?pages=3`, robots: 'ignore', minIntervalMs: INTERVAL, maxPages: 3 });
      return { sourceId: id, kind: 'crawl' as const, version: id, source, extra: null, enqueuedAt: at, accounts: [{ ...acct, sourceId: id }] };
    };
    // two jobs with account a (as a crawl and a re-observation job of its source may both hold it), one with b
    await q.add('crawl', job('pol-a1', account(1, 'a')), { jobId: 'pol-a1' });
    await q.add('crawl', job('pol-a2', account(1, 'a')), { jobId: 'pol-a2' });
    await q.add('crawl', job('pol-b1', account(2, 'b')), { jobId: 'pol-b1' });
    seen.length = 0;
    const env = { ...readEnv({}), vars: { C_A: 'acct=a', C_B: 'acct=b' } };
    // three workers taking one job at a time: each job goes to its own worker
    const workers = dbs.map((db, i) => startCrawlWorker({ env, url: redis.url, log: quiet, concurrency: 1, id: `pol-${i}`, adapters, sessions: new SessionStore(join(dir, 'sessions')), delivery: () => dbDelivery(db) }));
    try {
      await until('three jobs done', () => workers.reduce((s, w) => s + w.jobsDone(), 0) === 3, 40_000);
      const byWorker = dbs[0].prepare("SELECT worker FROM crawl_inbox WHERE source_id IN ('pol-a1', 'pol-a2')").pluck().all() as string[];
      expect(new Set(byWorker).size).toBe(2); // account a's two jobs ran in two workers
      const a = seen.filter((s) => s.who === 'a'), b = seen.filter((s) => s.who === 'b');
      expect([a.length, b.length]).toEqual([6, 3]);
      const gapsA = a.slice(1).map((h, i) => h.t - a[i].t);
      // (spaced at the claim in Redis; arrival at the site adds connection jitter either way, 4-12 ms seen here on 2 busy
      // cores: without the lease the two workers' requests would arrive within a few ms of each other)
      expect(Math.min(...gapsA)).toBeGreaterThanOrEqual(INTERVAL - 50);
      // b's requests went between a's: the lease is per account, not per host
      const closest = Math.min(...b.map((h) => Math.min(...a.map((x) => Math.abs(x.t - h.t)))));
      expect(closest).toBeLessThan(INTERVAL - 30);
      expect(await conn.keys(`${KEY_PREFIX}:host:127.0.0.1:*#account-*`)).toEqual(expect.arrayContaining([expect.stringMatching(/#account-1$/), expect.stringMatching(/#account-2$/)]));
      console.log(`politeness per account: 6 requests of account a from 2 workers, interval ${INTERVAL} ms: min gap ${Math.min(...gapsA).toFixed(1)} ms; account b's nearest request to one of a's: ${closest.toFixed(1)} ms`);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await q.close();
      conn.disconnect();
      for (const db of dbs) db.close();
    }
  }, 60_000);
});
