// Per-host politeness holds across workers: two workers (separate Redis connections and
// limiters, as two processes would have) crawl six paged sources on one host at once; the fixture
// site measures the spacing between the requests it receives.
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
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const sources = names.map((n) => sourceConfig({ id: `feed-${n}`, adapter: 'rss', url: `${site.base}/feed/${n}`, maxPages: 3, minIntervalMs: INTERVAL, robots: 'ignore' }));
    const cq = openCrawlQueue({ url: redis.url, log: () => undefined });
    await until('queue connected', async () => (await cq.refresh()).up);
    const sink: CrawlSink = { save: () => undefined, knownIds: () => new Set(), health: () => undefined };
    const sched = startCrawlScheduler({ sources, sink, env: readEnv({}), dispatch: cq, manual: true });
    for (const s of sources) expect((await sched.runNow(s.id)).outcome).toBe('queued');
    await sched.stop();

    const dbs = [openDb(setup.dbPath), openDb(setup.dbPath)];
    const workers = dbs.map((db, i) => startCrawlWorker({ env: readEnv({}), url: redis.url, log: () => undefined, concurrency: 3, id: `polite-${i}`, delivery: () => dbDelivery(db) }));
    try {
      await until('all six sources crawled', () => workers.reduce((a, w) => a + w.jobsDone(), 0) === 6, 30_000);
      const feedHits = site.hits.filter((h) => h.path.startsWith('/feed/'));
      expect(feedHits).toHaveLength(18); // 6 sources x 3 pages
      const gaps = feedHits.slice(1).map((h, i) => h.t - feedHits[i].t);
      const minGap = Math.min(...gaps);
      // each worker crawled some; three sources at a time each, yet never two requests closer than the interval
      for (const w of workers) expect(w.jobsDone()).toBeGreaterThan(0);
      // (each request claims the host in Redis as it starts; arrival at the server adds a ms or two of connection
      // jitter either way, more on a loaded machine: without the shared limiter six requests would arrive within a few ms)
      expect(minGap).toBeGreaterThanOrEqual(INTERVAL - 30);
      expect(feedHits.at(-1)!.t - feedHits[0].t).toBeGreaterThanOrEqual(17 * INTERVAL - 30);
      console.log(`politeness: 18 requests from 2 workers x 3 jobs, interval ${INTERVAL} ms: min gap ${minGap.toFixed(1)} ms, median ${gaps.sort((a, b) => a - b)[8].toFixed(1)} ms`);
      expect(dbs[0].prepare("SELECT count(*) FROM crawl_inbox").pluck().get()).toBe(6);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await cq.close();
      for (const db of dbs) db.close();
    }
  }, 60_000);
});
