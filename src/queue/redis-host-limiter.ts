// Per-host politeness across every crawl worker, with the in-process HostLimiter's rules: at most
// one request in flight per host, and at least the host's interval between the starts of two
// requests, whichever worker sends them. A request starts only when its worker claims the host in
// Redis (one Lua script, atomic): the host must be free (no request in flight anywhere) and its
// next allowed time must have come; the claim then marks the host busy with a lease and moves the
// next allowed time to now + interval. Otherwise the script answers how long to wait and the
// worker sleeps (plus a little jitter) and asks again. The lease is renewed while the request
// runs and released when it ends; a worker that dies mid-request holds the host only until its
// lease runs out (the worker's lock duration, 30 s by default). Times are Redis's (TIME), so
// workers on machines with skewed clocks still agree. Within one process the HostLimiter queues
// requests to a host first, so only one of them asks Redis at a time. The interval per host is
// the largest a source or robots.txt Crawl-delay asked for (setMinInterval), as in-process.
//
// Why hold the host for the whole request rather than only space the starts: the start is timed
// at the claim, and a process descheduled between its claim and its send (a busy machine) would
// let the next request, claimed on time elsewhere, reach the site right behind it.
//
// When Redis cannot be asked, the request fails with QueueUnavailableError and `failures` goes
// up: the worker then retries the job later rather than crawl without the shared limits.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { HostLimiter, type HostLimiterLike } from '../crawl/host-limiter.js';
import { QueueUnavailableError } from './errors.js';
import { hostKey } from './crawl-jobs.js';

// KEYS[1] next allowed time, KEYS[2] busy lease; ARGV[1] interval ms, ARGV[2] token, ARGV[3] lease ms.
// Returns 0 when claimed (go now), -1 while another request is in flight, else ms until the next allowed time.
const CLAIM_HOST = `
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
if now < nextAt then return nextAt - now end
local iv = tonumber(ARGV[1])
redis.call('SET', KEYS[1], tostring(now + iv), 'PX', iv + 60000)
redis.call('SET', KEYS[2], ARGV[2], 'PX', tonumber(ARGV[3]))
return 0
`;
// KEYS[1] busy lease; ARGV[1] token, ARGV[2] lease ms (0: release). Only the holder may renew or release.
const LEASE_HOST = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then return redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2])) end
return redis.call('DEL', KEYS[1])
`;

type RedisWithHostScripts = Redis & {
  fwClaimHost(nextKey: string, busyKey: string, intervalMs: number, token: string, leaseMs: number): Promise<number>;
  fwLeaseHost(busyKey: string, token: string, leaseMs: number): Promise<number>;
};

/** How often a worker asks again while another request to the host is in flight. */
const BUSY_POLL_MS = 25;

export interface RedisHostLimiterOptions {
  /** interval for a host nobody set one for (default 1000 ms) */
  minIntervalMs?: number;
  /** how long a claim holds the host without renewal (default 30 s; renewed every third of it while the request runs) */
  leaseMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** 0..1, for the jitter added to each wait (tests) */
  random?: () => number;
}

export class RedisHostLimiter implements HostLimiterLike {
  private readonly intervals = new Map<string, number>();
  private readonly local = new HostLimiter({ minIntervalMs: 0, concurrency: 1 });
  private readonly redis: RedisWithHostScripts;
  private readonly minIntervalMs: number;
  private readonly leaseMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  /** how many claims failed (Redis unreachable); the worker compares it before and after a job */
  failures = 0;

  constructor(redis: Redis, o: RedisHostLimiterOptions = {}) {
    if (!('fwClaimHost' in redis)) redis.defineCommand('fwClaimHost', { numberOfKeys: 2, lua: CLAIM_HOST });
    if (!('fwLeaseHost' in redis)) redis.defineCommand('fwLeaseHost', { numberOfKeys: 1, lua: LEASE_HOST });
    this.redis = redis as RedisWithHostScripts;
    this.minIntervalMs = o.minIntervalMs ?? 1000;
    this.leaseMs = o.leaseMs ?? 30_000;
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
      const token = randomBytes(8).toString('hex');
      const busyKey = `${hostKey(host)}:busy`;
      for (;;) {
        let wait: number;
        try {
          wait = Number(await this.redis.fwClaimHost(hostKey(host), busyKey, iv, token, this.leaseMs));
        } catch (e) {
          this.failures++;
          throw new QueueUnavailableError(`politeness claim for ${host}: Redis unreachable (${(e as Error).message})`);
        }
        if (wait === 0) break;
        // a few ms of jitter, so workers waiting for the same host do not all ask at the same instant
        await this.sleep((wait < 0 ? BUSY_POLL_MS : wait) + Math.floor(this.random() * 5));
      }
      const renew = setInterval(() => void this.redis.fwLeaseHost(busyKey, token, this.leaseMs).catch(() => undefined), Math.max(50, Math.floor(this.leaseMs / 3)));
      renew.unref?.();
      try {
        return await task();
      } finally {
        clearInterval(renew);
        // released at once; if Redis cannot be told, the lease runs out by itself
        await this.redis.fwLeaseHost(busyKey, token, 0).catch(() => undefined);
      }
    });
  }
}
