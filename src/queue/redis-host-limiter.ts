// Per-host politeness across every crawl worker: before a request to a host, a worker reserves
// the next free slot at that host in Redis (one Lua script: slot = max(now, next allowed); next
// allowed = slot + interval) and sleeps until its slot. The clock is Redis's (TIME), so workers
// on several machines with skewed clocks still space their requests; reservations are handed
// out in order, so waiting workers do not stampede. Within one process at most one request per
// host is in flight (as with HostLimiter). The interval per host is the largest a source or
// robots.txt Crawl-delay asked for (setMinInterval), as in-process.
//
// When Redis cannot be asked, the request fails with QueueUnavailableError and `failures` goes
// up: the worker then retries the job later rather than crawl without the shared spacing.
import type { Redis } from 'ioredis';
import { HostLimiter, type HostLimiterLike } from '../crawl/host-limiter.js';
import { QueueUnavailableError } from './errors.js';
import { hostKey } from './crawl-jobs.js';

// KEYS[1] host key; ARGV[1] interval ms. Returns ms to wait for the reserved slot.
const RESERVE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, nextAt)
local iv = tonumber(ARGV[1])
redis.call('SET', KEYS[1], tostring(slot + iv), 'PX', math.max(1, slot + iv - now) + 60000)
return slot - now
`;

type RedisWithSlot = Redis & { fwReserveHostSlot(key: string, intervalMs: number): Promise<number> };

export interface RedisHostLimiterOptions {
  /** interval for a host nobody set one for (default 1000 ms) */
  minIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export class RedisHostLimiter implements HostLimiterLike {
  private readonly intervals = new Map<string, number>();
  private readonly local = new HostLimiter({ minIntervalMs: 0, concurrency: 1 });
  private readonly redis: RedisWithSlot;
  private readonly minIntervalMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** how many reservations failed (Redis unreachable); the worker compares it before and after a job */
  failures = 0;

  constructor(redis: Redis, o: RedisHostLimiterOptions = {}) {
    if (!('fwReserveHostSlot' in redis)) redis.defineCommand('fwReserveHostSlot', { numberOfKeys: 1, lua: RESERVE_SLOT });
    this.redis = redis as RedisWithSlot;
    this.minIntervalMs = o.minIntervalMs ?? 1000;
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Raise the interval for one host (a source's minIntervalMs, robots.txt Crawl-delay), never lower it; at most 60 s. */
  setMinInterval(host: string, ms: number): void {
    this.intervals.set(host, Math.max(this.intervals.get(host) ?? this.minIntervalMs, Math.min(ms, 60_000)));
  }

  intervalOf(host: string): number {
    return this.intervals.get(host) ?? this.minIntervalMs;
  }

  async run<T>(host: string, task: () => Promise<T>): Promise<T> {
    return this.local.run(host, async () => {
      const iv = this.intervalOf(host);
      if (iv > 0) {
        let wait: number;
        try {
          wait = Number(await this.redis.fwReserveHostSlot(hostKey(host), iv));
        } catch (e) {
          this.failures++;
          throw new QueueUnavailableError(`politeness slot for ${host}: Redis unreachable (${(e as Error).message})`);
        }
        if (wait > 0) await this.sleep(wait);
      }
      return task();
    });
  }
}
