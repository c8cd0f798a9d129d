// Queue mode of the scheduler: each scheduled run becomes a BullMQ job carrying the source's config
// snapshot and version; a source has at most one job waiting (or running) however often its
// schedule fires; re-observation runs are jobs of their own; jobs carry their attempt count and
// are retried with backoff when they fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { readEnv } from '../../src/config/env.js';
import { startCrawlScheduler, type CrawlSink } from '../../src/crawl/scheduler.js';
import { sourceConfig } from '../../src/crawl/sources-config.js';
import { openCrawlQueue, type CrawlQueue } from '../../src/queue/crawl-queue.js';
import { CRAWL_QUEUE, KEY_PREFIX, configVersion, type CrawlJobData } from '../../src/queue/crawl-jobs.js';
import { HAS_REDIS, startRedis, until, type RedisServer } from './helpers.js';

const sink: CrawlSink = { save: () => undefined, knownIds: () => new Set(), health: () => undefined };
const env = readEnv({});

describe.skipIf(!HAS_REDIS)('scheduler in queue mode', () => {
  let redis: RedisServer, conn: Redis, q: Queue<CrawlJobData>, cq: CrawlQueue;

  beforeAll(async () => {
    redis = await startRedis();
    conn = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: null });
    q = new Queue<CrawlJobData>(CRAWL_QUEUE, { connection: conn, prefix: KEY_PREFIX });
    cq = openCrawlQueue({ url: redis.url, log: () => undefined, retry: { attempts: 3, backoffMs: 50 } });
    await until('queue connected', async () => (await cq.refresh()).up);
  });
  afterAll(async () => {
    await cq?.close();
    await q?.close();
    conn?.disconnect();
    await redis?.stop();
  });

  it('enqueues on schedule with the config snapshot; at most one waiting job per source', async () => {
    const s1 = sourceConfig({ id: 's1', adapter: 'rss', url: 'http://127.0.0.1:9/feed/1', schedule: '* * * * * *', cookiesEnv: 'S1_COOKIES', minIntervalMs: 3000 });
    const s2 = sourceConfig({ id: 's2', adapter: 'rss', url: 'http://127.0.0.1:9/feed/2', schedule: '* * * * * *' });
    const sched = startCrawlScheduler({ sources: [s1, s2], sink, env, dispatch: cq, runOnStart: false, reobserveSchedule: null });
    try {
      await new Promise((r) => setTimeout(r, 3500)); // three or four ticks of each schedule
      const st = await cq.refresh();
      expect(st.counts).toEqual({ waiting: 2, active: 0, delayed: 0, failed: 0 });
      const jobs = await q.getJobs(['waiting']);
      expect(jobs.map((j) => j.data.sourceId).sort()).toEqual(['s1', 's2']);
      const j1 = jobs.find((j) => j.data.sourceId === 's1')!;
      expect(j1.data).toMatchObject({ kind: 'crawl', source: s1, version: configVersion(s1), extra: null });
      expect(j1.opts.attempts).toBe(3);
      expect(j1.attemptsMade).toBe(0);
      expect(j1.id).toMatch(/^crawl\.s1\./);
      // "crawl now" while one waits adds nothing and says so
      expect((await sched.runNow('s1')).outcome).toBe('skipped');
    } finally {
      await sched.stop();
    }
    // once a worker finished the job, the next run is queued again
    const w = new Worker<CrawlJobData>(CRAWL_QUEUE, async () => 'done', { connection: conn.duplicate({ maxRetriesPerRequest: null }), prefix: KEY_PREFIX });
    try {
      await until('both jobs done', async () => (await q.getJobCounts('completed')).completed === 2);
    } finally {
      await w.close();
    }
    const again = startCrawlScheduler({ sources: [s1, s2], sink, env, dispatch: cq, manual: true });
    expect((await again.runNow('s1')).outcome).toBe('queued');
    expect((await again.runNow('s1')).outcome).toBe('skipped');
    await again.stop();
    await q.drain();
  }, 30_000);

  it('re-observation runs are separate jobs with their requests; a changed config has a new version', async () => {
    const s3 = sourceConfig({ id: 's3', adapter: 'rss', url: 'http://127.0.0.1:9/feed/3' });
    const sched = startCrawlScheduler({ sources: [s3], sink, env, dispatch: cq, manual: true });
    expect((await sched.runNow('s3')).outcome).toBe('queued');
    const extra = [{ url: 'http://127.0.0.1:9/post/1', follow: 'detail' as const, label: 'reobserve', meta: { id: '1' } }];
    expect((await sched.runNow('s3', extra)).outcome).toBe('queued');
    expect((await sched.runNow('s3', extra)).outcome).toBe('skipped');
    await sched.stop();
    const jobs = await q.getJobs(['waiting']);
    expect(jobs.map((j) => j.data.kind).sort()).toEqual(['crawl', 'reobserve']);
    expect(jobs.find((j) => j.data.kind === 'reobserve')!.data.extra).toEqual(extra);
    expect(configVersion(sourceConfig({ id: 's3', adapter: 'rss', url: 'http://127.0.0.1:9/feed/3' }))).toBe(configVersion(s3));
    expect(configVersion({ ...s3, maxPages: 9 })).not.toBe(configVersion(s3));
    await q.drain();
  }, 30_000);

  it('a failed job is retried with backoff and its attempts counted', async () => {
    const s4 = sourceConfig({ id: 's4', adapter: 'rss', url: 'http://127.0.0.1:9/feed/4' });
    const sched = startCrawlScheduler({ sources: [s4], sink, env, dispatch: cq, manual: true });
    await sched.runNow('s4');
    await sched.stop();
    const seen: number[] = [];
    const w = new Worker<CrawlJobData>(CRAWL_QUEUE, async (job) => {
      seen.push(job.attemptsMade);
      if (job.attemptsMade < 2) throw new Error('database busy');
      return 'stored';
    }, { connection: conn.duplicate({ maxRetriesPerRequest: null }), prefix: KEY_PREFIX });
    try {
      await until('third attempt done', async () => (await q.getJobCounts('completed')).completed >= 3);
    } finally {
      await w.close();
    }
    expect(seen).toEqual([0, 1, 2]);
  }, 30_000);
});
