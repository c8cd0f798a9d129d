// The queue's pure parts, no Redis needed: FLAREWATCH_QUEUE parsing and redaction, the ingest
// endpoint and request batches of API delivery, the /healthz entry and /metrics families.
import { describe, expect, it } from 'vitest';
import { redactRedisUrl, redisOptionsFromUrl } from '../../src/queue/redis-url.js';
import { batches, ingestEndpoint } from '../../src/queue/observation-delivery.js';
import { queueHealth, queueMetrics, type QueueStatus } from '../../src/queue/queue-status.js';
import { UserError } from '../../src/core/errors.js';
import type { Observation } from '../../src/core/observation.js';

describe('FLAREWATCH_QUEUE', () => {
  it('parses host, port, db, credentials and TLS', () => {
    expect(redisOptionsFromUrl('redis://127.0.0.1:6380/2')).toEqual({ host: '127.0.0.1', port: 6380, db: 2 });
    expect(redisOptionsFromUrl('redis://queue.internal')).toEqual({ host: 'queue.internal', port: 6379, db: 0 });
    expect(redisOptionsFromUrl('redis://:p%40ss@h:1/0')).toMatchObject({ password: 'p@ss' });
    expect(redisOptionsFromUrl('redis://user:pw@h:1')).toMatchObject({ username: 'user', password: 'pw' });
    expect(redisOptionsFromUrl('rediss://h:6380')).toMatchObject({ tls: { servername: 'h' } });
    expect(redisOptionsFromUrl('redis://[::1]:6379')).toMatchObject({ host: '::1' });
  });
  it('refuses what is not a redis URL, without echoing the password', () => {
    expect(() => redisOptionsFromUrl('http://h:6379')).toThrow(UserError);
    expect(() => redisOptionsFromUrl('redis://h:6379/queue')).toThrow(/not a number/);
    expect(() => redisOptionsFromUrl('localhost:6379')).toThrow(/redis:\/\//);
    try { redisOptionsFromUrl('redis//:secret@h'); } catch (e) { expect((e as Error).message).not.toContain('secret'); }
  });
  it('masks the password for display', () => {
    expect(redactRedisUrl('redis://:secret@h:6379/0')).toBe('redis://:***@h:6379/0');
    expect(redactRedisUrl('redis://u:secret@h')).toBe('redis://u:***@h');
    expect(redactRedisUrl('redis://h:6379')).toBe('redis://h:6379');
  });
});

describe('ingest API delivery', () => {
  it('posts to /api/v1/observations of the monitor URL', () => {
    expect(ingestEndpoint('http://monitor:8080')).toBe('http://monitor:8080/api/v1/observations');
    expect(ingestEndpoint('http://monitor:8080/')).toBe('http://monitor:8080/api/v1/observations');
    expect(ingestEndpoint('https://m.example/fw/')).toBe('https://m.example/fw/api/v1/observations');
    expect(ingestEndpoint('http://m:1/api/v1/observations')).toBe('http://m:1/api/v1/observations');
  });
  it('splits observations into JSON arrays under the byte limit', () => {
    const obs: Observation[] = Array.from({ length: 50 }, (_, i) => ({ at: '2026-09-01T00:00:00Z', source: 'rss', kind: 'post', id: String(i), text: '星河乳业'.repeat(20) }));
    const parts = batches(obs, 2000);
    expect(parts.length).toBeGreaterThan(3);
    for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(2000);
    expect(parts.flatMap((p) => JSON.parse(p) as Observation[]).map((o) => o.id)).toEqual(obs.map((o) => o.id));
    expect(batches([], 2000)).toEqual([]);
  });
});

describe('queue status in /healthz and /metrics', () => {
  const base: QueueStatus = { url: 'redis://h:6379/0', up: true, checkedAt: '2026-09-01T00:00:00.000Z', error: null, counts: { waiting: 3, active: 1, delayed: 0, failed: 2 }, liveWorkers: 2, liveWindowSeconds: 30, inboxPending: 0 };
  it('names the problem and the fix', () => {
    expect(queueHealth(base)).toMatchObject({ status: 'ok', waiting: 3, failed: 2, liveWorkers: 2 });
    expect(queueHealth(base).problem).toBeUndefined();
    expect(queueHealth({ ...base, liveWorkers: 0 })).toMatchObject({ status: 'no-workers', fix: expect.stringMatching(/flarewatch worker/) });
    expect(queueHealth({ ...base, up: false, error: 'connect ECONNREFUSED' })).toMatchObject({ status: 'unreachable', problem: expect.stringMatching(/ECONNREFUSED/) });
    expect(queueHealth({ ...base, checkedAt: null }).status).toBe('checking');
  });
  it('gives depth by state and live workers', () => {
    const m = Object.fromEntries(queueMetrics(base).map((f) => [f.name, f.rows]));
    expect(m.flarewatch_queue_up).toEqual([[{}, 1]]);
    expect(m.flarewatch_queue_jobs).toEqual([[{ state: 'waiting' }, 3], [{ state: 'active' }, 1], [{ state: 'delayed' }, 0], [{ state: 'failed' }, 2]]);
    expect(m.flarewatch_queue_workers_live).toEqual([[{}, 2]]);
    expect(Object.keys(Object.fromEntries(queueMetrics({ ...base, up: false, counts: null, liveWorkers: null, inboxPending: null }).map((f) => [f.name, 1])))).toEqual(['flarewatch_queue_up']);
  });
});
