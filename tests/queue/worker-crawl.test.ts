// A crawl worker against a fixture site on 127.0.0.1, with the monitor as `start` assembles it
// (FLAREWATCH_QUEUE set): the monitor queues the source, the worker crawls it (two pages), the
// observations reach the database once (through the inbox, or through the ingest API), and the
// run's result becomes the source's health as an in-process run would. A job retried after its
// observations were stored is reported without crawling again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { readEnv } from '../../src/config/env.js';
import { openDb, type Db } from '../../src/db/connection.js';
import { UserAccounts } from '../../src/server/user-accounts.js';
import { startMonitor, type Monitor } from '../../src/runtime/monitor.js';
import { startCrawlWorker, type CrawlWorker } from '../../src/queue/crawl-worker.js';
import { apiDelivery, dbDelivery } from '../../src/queue/observation-delivery.js';
import { CrawlInbox } from '../../src/queue/crawl-inbox.js';
import { CRAWL_QUEUE, KEY_PREFIX, configVersion, type CrawlJobData } from '../../src/queue/crawl-jobs.js';
import { sourceConfig } from '../../src/crawl/sources-config.js';
import { HAS_REDIS, feedSources, startFeedSite, startRedis, tempSetup, until, type FeedSite, type RedisServer, type TempSetup } from './helpers.js';

const quiet = () => undefined;

describe.skipIf(!HAS_REDIS)('crawl worker with the monitor (FLAREWATCH_QUEUE)', () => {
  let redis: RedisServer, site: FeedSite, setup: TempSetup, monitor: Monitor, token: string;
  const logs: string[] = [];
  let reader: Db;

  beforeAll(async () => {
    redis = await startRedis();
    site = await startFeedSite({ pages: 2, per: 5 });
    setup = tempSetup(feedSources(site.base, ['a'], '    maxPages: 2\n'));
    const db = openDb(setup.dbPath);
    token = new UserAccounts(db).addToken('worker', 'ingest', new Date());
    db.close();
    const env = { ...readEnv({}), dbPath: setup.dbPath, rulesDir: setup.rulesDir, host: '127.0.0.1', port: 0, queueUrl: redis.url };
    monitor = await startMonitor({ env, log: (level, msg) => void logs.push(`${level} ${msg}`), evaluateEveryMs: 3_600_000 });
    reader = openDb(setup.dbPath, { readonly: true });
  }, 60_000);

  afterAll(async () => {
    reader?.close();
    await monitor?.stop();
    await site?.close();
    await redis?.stop();
    setup?.cleanup();
  });

  const count = (sql: string, ...args: unknown[]) => reader.prepare(sql).pluck().get(...args) as number;

  it('crawls the queued source; observations stored once; the result becomes source health', async () => {
    let worker: CrawlWorker | null = null;
    const wdb = openDb(setup.dbPath);
    try {
      worker = startCrawlWorker({ env: { ...readEnv({}), dbPath: setup.dbPath }, url: redis.url, log: quiet, delivery: () => dbDelivery(wdb), id: 'test-worker-1' });
      await until('10 posts from two pages', () => count("SELECT count(*) FROM posts WHERE source = 'rss'") === 10);
      await until('the result applied to the source', () => count("SELECT items_total FROM sources WHERE id = 'feed-a'") === 10);
      await new Promise((r) => setTimeout(r, 1500)); // nothing more arrives
      expect(count("SELECT count(*) FROM posts WHERE source = 'rss'")).toBe(10);
      // observed once: a second sighting would have moved last_seen_at (RSS has no metrics, so no snapshots)
      expect(count("SELECT count(*) FROM posts WHERE source = 'rss' AND first_seen_at = last_seen_at")).toBe(10);
      expect(count('SELECT count(*) FROM crawl_inbox')).toBe(1);
      expect(count('SELECT count(*) FROM crawl_inbox WHERE ingested_at IS NOT NULL AND observations IS NULL')).toBe(1);
      const src = reader.prepare("SELECT * FROM sources WHERE id = 'feed-a'").get() as Record<string, unknown>;
      expect(src).toMatchObject({ items_last_run: 10, error_streak: 0, healthy: 1 });
      expect(src.last_success_at).toBeTruthy();
      expect(reader.prepare("SELECT kind, items FROM source_events WHERE source_id = 'feed-a'").all()).toEqual([{ kind: 'run', items: 10 }]);
      expect(site.hits.filter((h) => h.path.startsWith('/feed/a')).map((h) => h.path)).toEqual(['/feed/a', '/feed/a/2']);
      expect(worker.jobsDone()).toBe(1);
      // the monitor's scheduler status follows the result too
      const st = (monitor as unknown as { db: Db }).db.prepare("SELECT last_run_at FROM sources WHERE id = 'feed-a'").pluck().get();
      expect(st).toBeTruthy();
    } finally {
      await worker?.close();
      wdb.close();
    }
  }, 60_000);

  it('a retried job whose observations were stored is reported without crawling again', async () => {
    const wdb = openDb(setup.dbPath);
    const conn = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: null });
    const q = new Queue<CrawlJobData>(CRAWL_QUEUE, { connection: conn, prefix: KEY_PREFIX });
    let worker: CrawlWorker | null = null;
    try {
      const source = sourceConfig({ id: 'feed-a', adapter: 'rss', url: `${site.base}/feed/a`, minIntervalMs: 0 });
      const summary = { sourceId: 'feed-a', startedAt: '2026-09-01T00:00:00.000Z', finishedAt: '2026-09-01T00:00:01.000Z', items: 7, pages: 1, errors: [], blocked: false, outcome: 'ok' as const };
      // an earlier attempt stored its observations, then its worker died before acknowledging
      new CrawlInbox(wdb).put({ jobId: 'crawl.feed-a.retried.1', sourceId: 'feed-a', kind: 'crawl', worker: 'dead', summary, observations: [] }, new Date());
      const before = site.hits.length;
      await q.add('crawl', { sourceId: 'feed-a', kind: 'crawl', version: configVersion(source), source, extra: null, enqueuedAt: new Date().toISOString() }, { jobId: 'crawl.feed-a.retried.1' });
      worker = startCrawlWorker({ env: { ...readEnv({}), dbPath: setup.dbPath }, url: redis.url, log: quiet, delivery: () => dbDelivery(wdb), id: 'test-worker-2' });
      await until('the stored summary applied', () => count("SELECT count(*) FROM source_events WHERE source_id = 'feed-a' AND items = 7") === 1);
      expect(site.hits.length).toBe(before);
      expect(worker.jobsDone()).toBe(1);
      expect(await q.getJobState('crawl.feed-a.retried.1')).toBe('completed');
    } finally {
      await worker?.close();
      await q.close();
      conn.disconnect();
      wdb.close();
    }
  }, 60_000);

  it('through the ingest API (FLAREWATCH_INGEST_URL + token): stored once, job remembered as delivered', async () => {
    const conn = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: null });
    const q = new Queue<CrawlJobData>(CRAWL_QUEUE, { connection: conn, prefix: KEY_PREFIX });
    let worker: CrawlWorker | null = null;
    try {
      const source = sourceConfig({ id: 'feed-a', adapter: 'rss', url: `${site.base}/feed/b`, minIntervalMs: 0, maxPages: 2 });
      await q.add('crawl', { sourceId: 'feed-a', kind: 'crawl', version: configVersion(source), source, extra: null, enqueuedAt: new Date().toISOString() }, { jobId: 'crawl.feed-a.api.1' });
      worker = startCrawlWorker({
        env: { ...readEnv({}), dbPath: '/nonexistent/never-opened.db' }, url: redis.url, log: quiet, id: 'test-worker-api',
        delivery: (r) => apiDelivery({ url: monitor.url, token, redis: r.client, log: quiet }),
      });
      await until('10 posts of feed b', () => count("SELECT count(*) FROM posts WHERE source = 'rss' AND ext_id LIKE 'b-%'") === 10);
      await until('job completed', async () => (await q.getJobState('crawl.feed-a.api.1')) === 'completed');
      expect(count("SELECT count(*) FROM posts WHERE ext_id LIKE 'b-%' AND first_seen_at = last_seen_at")).toBe(10);
      expect(await conn.get(`${KEY_PREFIX}:delivered:crawl.feed-a.api.1`)).toContain('"items":10');
      await until('its result applied', () => count("SELECT count(*) FROM source_events WHERE source_id = 'feed-a' AND items = 10") === 2);
    } finally {
      await worker?.close();
      await q.close();
      conn.disconnect();
    }
  }, 60_000);
});
