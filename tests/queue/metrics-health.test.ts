// The monitor's view of the queue: /metrics gives queue depth by state and the number of live
// workers, /healthz names a queue problem (no worker, Redis unreachable) with its fix; with an
// unreachable Redis the monitor still starts, serves and stops promptly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../../src/config/env.js';
import { openDb } from '../../src/db/connection.js';
import { startMonitor, type Monitor } from '../../src/runtime/monitor.js';
import { startCrawlWorker } from '../../src/queue/crawl-worker.js';
import { dbDelivery } from '../../src/queue/observation-delivery.js';
import { HAS_REDIS, feedSources, freePort, startFeedSite, startRedis, tempSetup, until, type FeedSite, type RedisServer, type TempSetup } from './helpers.js';

async function metricsOf(base: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}metrics`)).text();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(flarewatch_queue_\w+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}
const healthOf = async (base: string) => (await fetch(`${base}healthz`)).json() as Promise<{ status: string; queue?: { status: string; problem?: string; fix?: string; liveWorkers: number | null; waiting?: number } }>;

describe.skipIf(!HAS_REDIS)('queue in /metrics and /healthz', () => {
  let redis: RedisServer, site: FeedSite, setup: TempSetup, monitor: Monitor;
  beforeAll(async () => {
    redis = await startRedis();
    site = await startFeedSite({ pages: 1, per: 3 });
    setup = tempSetup(feedSources(site.base, ['m1', 'm2']));
    monitor = await startMonitor({ env: { ...readEnv({}), dbPath: setup.dbPath, rulesDir: setup.rulesDir, host: '127.0.0.1', port: 0, queueUrl: redis.url }, log: () => undefined, evaluateEveryMs: 3_600_000 });
  }, 60_000);
  afterAll(async () => {
    await monitor?.stop();
    await site?.close();
    await redis?.stop();
    setup?.cleanup();
  });

  it('depth by state and live workers; no worker is a problem until one beats', async () => {
    // both sources are queued at start; nobody takes them yet
    await until('two jobs waiting in /metrics', async () => (await metricsOf(monitor.url))['flarewatch_queue_jobs{state="waiting"}'] === 2, 20_000);
    let m = await metricsOf(monitor.url);
    expect(m).toMatchObject({ flarewatch_queue_up: 1, 'flarewatch_queue_jobs{state="active"}': 0, 'flarewatch_queue_jobs{state="delayed"}': 0, 'flarewatch_queue_jobs{state="failed"}': 0, flarewatch_queue_workers_live: 0 });
    let h = await healthOf(monitor.url);
    expect(h.status).toBe('degraded');
    expect(h.queue).toMatchObject({ status: 'no-workers', liveWorkers: 0, waiting: 2 });
    expect(h.queue!.fix).toMatch(/flarewatch worker/);

    const db = openDb(setup.dbPath);
    const worker = startCrawlWorker({ env: readEnv({}), url: redis.url, log: () => undefined, delivery: () => dbDelivery(db), id: 'metrics-worker' });
    try {
      await until('one live worker, queue drained', async () => {
        m = await metricsOf(monitor.url);
        return m.flarewatch_queue_workers_live === 1 && m['flarewatch_queue_jobs{state="waiting"}'] === 0 && m['flarewatch_queue_jobs{state="active"}'] === 0;
      }, 20_000);
      h = await healthOf(monitor.url);
      expect(h.status).toBe('ok');
      expect(h.queue).toMatchObject({ status: 'ok', liveWorkers: 1 });
      expect(h.queue!.problem).toBeUndefined();
      expect(m).toHaveProperty('flarewatch_queue_inbox_pending');
    } finally {
      await worker.close();
      db.close();
    }
    await until('the stopped worker no longer counted', async () => (await metricsOf(monitor.url)).flarewatch_queue_workers_live === 0, 20_000);
  }, 60_000);
});

describe.skipIf(!HAS_REDIS)('monitor with an unreachable Redis', () => {
  it('starts, reports the queue as a problem instead of hanging, and stops promptly', async () => {
    const setup = tempSetup(feedSources('http://127.0.0.1:9', ['u1']));
    const port = await freePort(); // nothing listens there
    const logs: string[] = [];
    const t0 = Date.now();
    const monitor = await startMonitor({ env: { ...readEnv({}), dbPath: setup.dbPath, rulesDir: setup.rulesDir, host: '127.0.0.1', port: 0, queueUrl: `redis://:s3cret-pass@127.0.0.1:${port}/0` }, log: (level, msg) => void logs.push(`${level} ${msg}`), evaluateEveryMs: 3_600_000 });
    const started = Date.now() - t0;
    try {
      expect(started).toBeLessThan(10_000); // about half a second here, as without a queue
      let h = await healthOf(monitor.url);
      await until('the queue reported unreachable', async () => (h = await healthOf(monitor.url)).queue?.status === 'unreachable', 10_000);
      expect(h.status).toBe('degraded');
      expect(h.queue!.problem).toMatch(/cannot be reached/);
      expect(h.queue!.problem).toMatch(/ECONNREFUSED/);
      expect(JSON.stringify(h)).not.toContain('s3cret-pass');
      const t1 = Date.now();
      const m = await metricsOf(monitor.url);
      expect(Date.now() - t1).toBeLessThan(2000);
      expect(m.flarewatch_queue_up).toBe(0);
      // the source queued at start could not be: said in the log, with the reason
      await until('the failed enqueue logged', () => logs.some((l) => /u1 not queued.*unreachable/.test(l)), 10_000);
      expect(logs.join('\n')).not.toContain('s3cret-pass');
    } finally {
      const t2 = Date.now();
      await monitor.stop();
      expect(Date.now() - t2).toBeLessThan(3000);
      setup.cleanup();
    }
  }, 60_000);
});
