// Per-host politeness holds across workers: two workers (separate Redis connections and
// limiters, as two processes would have) crawl six paged sources on one host at once; the fixture
// site measures the spacing between the requests it receives: at least the interval, and never
// two requests in flight at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../../src/config/env.js';
import { openDb } from '../../src/db/connection.js';
import { startCrawlScheduler, type CrawlSink } from '../../src/crawl/scheduler.js';
import { sourceConfig } from '../../src/crawl/sources-config.js';
import { openCrawlQueue } from '../../src/queue/crawl-queue.js';
import { startCrawlWorker } from '../../src/queue/crawl-worker.js';
import { dbDelivery } from '../../src/queue/observation-delivery.js';
import { HAS_REDIS, startFeedSite, startRedis, tempSetup, until, type FeedSite, type RedisServer, type TempSetup } from './helpers.js';

const INTERVAL = 300;

describe.skipIf(!HAS_REDIS)('politeness across workers', () => {
  let redis: RedisServer, site: FeedSite, setup: TempSetup;
  beforeAll(async () => {
    redis = await startRedis();
    site = await startFeedSite({ pages: 3, per: 4 });
    setup = tempSetup('sources: []\n');
  });
  afterAll(async () => {
    await site?.close();
    await redis?.stop();
    setup?.cleanup();
  });

  it('two workers together keep the per-host interval', async () => {
    const { gaps } = await crawlSix(site, INTERVAL);
    const minGap = Math.min(...gaps);
    // (each request claims the host in Redis; arrival at the server adds a ms or two of connection jitter either
    // way, more on a loaded machine: without the shared limiter six requests would arrive within a few ms)
    expect(minGap).toBeGreaterThanOrEqual(INTERVAL - 30);
    expect(gaps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(17 * INTERVAL - 30);
    console.log(`politeness: 18 requests from 2 workers x 3 jobs, interval ${INTERVAL} ms: min gap ${minGap.toFixed(1)} ms, median ${[...gaps].sort((a, b) => a - b)[8].toFixed(1)} ms`);
  }, 60_000);

  it('one request in flight per host across workers: a slow answer holds the next request back', async () => {
    const slowSite = await startFeedSite({ pages: 3, per: 4, delayMs: 400 });
    try {
      const { gaps } = await crawlSix(slowSite, 100);
      // each request waits for the one before it to be answered (400 ms), not only for the 100 ms interval
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(370);
    } finally {
      await slowSite.close();
    }
  }, 60_000);

  /** Six 3-page sources on the site's host, queued, crawled by two workers at three jobs each; gaps between the feed requests. */
  async function crawlSix(s: FeedSite, interval: number): Promise<{ gaps: number[] }> {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const sources = names.map((n) => sourceConfig({ id: `feed-${n}`, adapter: 'rss', url: `${s.base}/feed/${n}`, maxPages: 3, minIntervalMs: interval, robots: 'ignore' }));
    const cq = openCrawlQueue({ url: redis.url, log: () => undefined });
    await until('queue connected', async () => (await cq.refresh()).up);
    const sink: CrawlSink = { save: () => undefined, knownIds: () => new Set(), health: () => undefined };
    const sched = startCrawlScheduler({ sources, sink, env: readEnv({}), dispatch: cq, manual: true });
    for (const src of sources) expect((await sched.runNow(src.id)).outcome).toBe('queued');
    await sched.stop();
    const dbs = [openDb(setup.dbPath), openDb(setup.dbPath)];
    const inboxBefore = dbs[0].prepare('SELECT count(*) FROM crawl_inbox').pluck().get() as number;
    const hitsBefore = s.hits.length;
    const workers = dbs.map((db, i) => startCrawlWorker({ env: readEnv({}), url: redis.url, log: () => undefined, concurrency: 3, id: `polite-${i}`, delivery: () => dbDelivery(db) }));
    try {
      await until('all six sources crawled', () => workers.reduce((a, w) => a + w.jobsDone(), 0) === 6, 40_000);
      const feedHits = s.hits.slice(hitsBefore).filter((h) => h.path.startsWith('/feed/'));
      expect(feedHits).toHaveLength(18); // 6 sources x 3 pages
      for (const w of workers) expect(w.jobsDone()).toBeGreaterThan(0); // both took jobs
      expect(dbs[0].prepare('SELECT count(*) FROM crawl_inbox').pluck().get()).toBe(inboxBefore + 6);
      return { gaps: feedHits.slice(1).map((h, i) => h.t - feedHits[i].t) };
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await cq.close();
      for (const db of dbs) db.close();
    }
  }
});
