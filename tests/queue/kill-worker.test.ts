// A worker killed with -9 in the middle of a crawl: its job's lock expires, another worker's
// stalled check puts the job back, that worker crawls it, and the observations reach the
// database once. Both workers are `flarewatch worker` processes; the monitor is `start`'s. On
// SQLite (the workers write the monitor's file) and on PostgreSQL (the shared database).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { readEnv } from '../../src/config/env.js';
import { openDb, type Db } from '../../src/db/connection.js';
import { startMonitor, type Monitor } from '../../src/runtime/monitor.js';
import { CRAWL_QUEUE, KEY_PREFIX, type CrawlJobData } from '../../src/queue/crawl-jobs.js';
import { liveWorkers } from '../../src/queue/heartbeat.js';
import { HAS_POSTGRES, PG_SKIP_MESSAGE, startPostgres, type PgServer } from '../db/postgres-server.js';
import { HAS_REDIS, feedSources, spawnWorker, startFeedSite, startRedis, tempSetup, until, type FeedSite, type RedisServer, type TempSetup, type WorkerProcess } from './helpers.js';

if (!HAS_POSTGRES) console.warn(PG_SKIP_MESSAGE);

describe.skipIf(!HAS_REDIS).each([{ store: 'SQLite' }, { store: 'PostgreSQL' }])('a worker killed mid-job, on $store', ({ store }) => {
  const skip = store === 'PostgreSQL' && !HAS_POSTGRES;
  let redis: RedisServer, site: FeedSite, setup: TempSetup, monitor: Monitor | null = null, conn: Redis, reader: Db, pg: PgServer | null = null;
  const procs: WorkerProcess[] = [];

  beforeAll(async () => {
    if (skip) return;
    redis = await startRedis();
    site = await startFeedSite({ pages: 2, per: 5 });
    setup = tempSetup(feedSources(site.base, ['k'], '    maxPages: 2\n'));
    if (store === 'PostgreSQL') {
      pg = await startPostgres();
      setup.dbPath = pg.freshUrl('kill');
    }
    openDb(setup.dbPath).close(); // migrated before the processes start
    conn = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    reader?.close();
    await monitor?.stop();
    conn?.disconnect();
    await site?.close();
    await redis?.stop();
    setup?.cleanup();
    await pg?.stop();
  }, 60_000);

  it.skipIf(skip)('kill -9 during the crawl: another worker finishes the job, nothing lost or stored twice', async () => {
    const env = { FLAREWATCH_QUEUE: redis.url, FLAREWATCH_DB: setup.dbPath, LOG_LEVEL: 'info' };
    const args = ['--lock-seconds', '2', '--stalled-seconds', '1', '--heartbeat-seconds', '5', '--concurrency', '2'];
    const a = spawnWorker(args, env);
    procs.push(a);
    await until('worker A live', async () => (await liveWorkers(conn)).length === 1, 30_000).catch((e) => { throw new Error(`${e.message}\n${a.output()}`); });
    // the first request for the feed hangs: worker A is mid-crawl when it is killed
    site.slow('/feed/k', 120_000);
    const hit = site.nextHit('/feed/k');
    monitor = await startMonitor({ env: { ...readEnv({}), dbPath: setup.dbPath, rulesDir: setup.rulesDir, host: '127.0.0.1', port: 0, queueUrl: redis.url }, log: () => undefined, evaluateEveryMs: 3_600_000 });
    await hit;
    a.child.kill('SIGKILL');
    expect(await a.exited).toBeNull(); // killed by the signal
    const killedAt = Date.now();

    const b = spawnWorker(args, env);
    procs.push(b);
    reader = openDb(setup.dbPath, { readonly: true });
    const count = (sql: string) => reader.prepare(sql).pluck().get() as number;
    await until('the 10 posts stored', () => count("SELECT count(*) FROM posts WHERE source = 'rss'") === 10, 40_000).catch((e) => { throw new Error(`${e.message}\n--- B:\n${b.output()}`); });
    await until('the result applied', () => count("SELECT count(*) FROM source_events WHERE source_id = 'feed-k'") === 1);
    console.log(`kill -9 (${store}): job taken over and stored ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill (lock 2 s, stalled check every 1 s)`);
    await new Promise((r) => setTimeout(r, 1500));

    expect(count("SELECT count(*) FROM posts WHERE source = 'rss'")).toBe(10);
    expect(count("SELECT count(*) FROM posts WHERE source = 'rss' AND first_seen_at = last_seen_at")).toBe(10);
    expect(count('SELECT count(*) FROM crawl_inbox')).toBe(1);
    expect(reader.prepare("SELECT kind, items FROM source_events WHERE source_id = 'feed-k'").all()).toEqual([{ kind: 'run', items: 10 }]);
    expect(reader.prepare("SELECT items_total, error_streak FROM sources WHERE id = 'feed-k'").get()).toEqual({ items_total: 10, error_streak: 0 });
    // the job itself: started twice (A, then B), recovered once from the stalled state, completed
    const q = new Queue<CrawlJobData>(CRAWL_QUEUE, { connection: conn, prefix: KEY_PREFIX });
    const [job] = await q.getJobs(['completed']);
    expect(job.data.sourceId).toBe('feed-k');
    expect(job.attemptsStarted).toBe(2);
    expect(job.stalledCounter).toBe(1);
    expect(job.failedReason ?? null).toBeNull(); // the crash was not counted as the job's failure
    expect(site.hits.filter((h) => h.path.startsWith('/feed/k')).map((h) => h.path)).toEqual(['/feed/k', '/feed/k', '/feed/k/2']);
    await q.close();
    expect(b.output()).toMatch(/stalled/);

    // SIGTERM: B finishes cleanly and drops out of the live count
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    expect(b.output()).toMatch(/stopped after 1 job/);
    expect((await liveWorkers(conn)).map((w) => w.pid)).not.toContain(b.child.pid); // deleted its key on the way out
    await until("the killed worker's heartbeat expired (5 s)", async () => (await liveWorkers(conn)).length === 0, 10_000);
  }, 90_000);
});
