// Per-host politeness across every crawl worker: a request to a host may start only when it can
// claim the host in Redis, which one Lua script does atomically: when the host's next allowed
// time has come, it is moved to now + interval and the request goes at once; otherwise the
// script answers how long to wait, and the worker sleeps that long (plus a little jitter) and asks
// again. Claiming at the moment of sending (rather than reserving a future slot) keeps the
// spacing when a worker wakes late (a busy event loop, a slow machine): the next request is timed
// from the late one. The clock is Redis's (TIME), so workers on machines with skewed clocks still
// space their requests. Within one process at most one request per host is in flight (as with
// HostLimiter). The interval per host is the largest a source or robots.txt Crawl-delay asked for
// (setMinInterval), as in-process.
//
// When Redis cannot be asked, the request fails with QueueUnavailableError and `failures` goes
// up: the worker then retries the job later rather than crawl without the shared spacing.
import type { Redis } from 'ioredis';
import { HostLimiter, type HostLimiterLike } from '../crawl/host-limiter.js';
import { QueueUnavailableError } from './errors.js';
import { hostKey } from './crawl-jobs.js';

// KEYS[1] host key; ARGV[1] interval ms. Returns 0 when the host was claimed (go now), else ms to wait.
const CLAIM_HOST = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
if now < nextAt then return nextAt - now end
local iv = tonumber(ARGV[1])
redis.call('SET', KEYS[1], tostring(now + iv), 'PX', iv + 60000)
return 0
`;

type RedisWithClaim = Redis & { fwClaimHost(key: string, intervalMs: number): Promise<number> };

export interface RedisHostLimiterOptions {
  /** interval for a host nobody set one for (default 1000 ms) */
  minIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** 0..1, for the jitter added to each wait (tests) */
  random?: () => number;
}

export class RedisHostLimiter implements HostLimiterLike {
  private readonly intervals = new Map<string, number>();
  private readonly local = new HostLimiter({ minIntervalMs: 0, concurrency: 1 });
  private readonly redis: RedisWithClaim;
  private readonly minIntervalMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  /** how many claims failed (Redis unreachable); the worker compares it before and after a job */
  failures = 0;

  constructor(redis: Redis, o: RedisHostLimiterOptions = {}) {
    if (!('fwClaimHost' in redis)) redis.defineCommand('fwClaimHost', { numberOfKeys: 1, lua: CLAIM_HOST });
    this.redis = redis as RedisWithClaim;
    this.minIntervalMs = o.minIntervalMs ?? 1000;
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = o.random ?? Math.random;
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
      while (iv > 0) {
        let wait: number;
        try {
          wait = Number(await this.redis.fwClaimHost(hostKey(host), iv));
        } catch (e) {
          this.failures++;
          throw new QueueUnavailableError(`politeness claim for ${host}: Redis unreachable (${(e as Error).message})`);
        }
        if (wait <= 0) break;
        // a few ms of jitter, so workers waiting for the same host do not all ask at the same instant
        await this.sleep(wait + Math.floor(this.random() * 5));
      }
      return task();
    });
  }
}
