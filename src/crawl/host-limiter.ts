// Politeness per host: at most `concurrency` requests in flight per host (default 1) and at least
// `minIntervalMs` between the starts of two requests to the same host. The sleep function is
// injected so tests can use a fake clock.

export interface HostLimiterOptions { concurrency?: number; minIntervalMs?: number; sleep?: (ms: number) => Promise<void>; now?: () => number }

interface HostState { active: number; lastStart: number; waiters: (() => void)[]; intervalMs: number }

/** What a fetcher needs from a limiter: HostLimiter within one process, RedisHostLimiter (src/queue/) across crawl workers. */
export interface HostLimiterLike {
  run<T>(host: string, task: () => Promise<T>): Promise<T>;
  setMinInterval(host: string, ms: number): void;
}

export class HostLimiter implements HostLimiterLike {
  private hosts = new Map<string, HostState>();
  private readonly concurrency: number;
  private readonly minIntervalMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(o: HostLimiterOptions = {}) {
    this.concurrency = o.concurrency ?? 1;
    this.minIntervalMs = o.minIntervalMs ?? 1000;
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = o.now ?? Date.now;
  }

  private state(host: string): HostState {
    let s = this.hosts.get(host);
    if (!s) { s = { active: 0, lastStart: -Infinity, waiters: [], intervalMs: this.minIntervalMs }; this.hosts.set(host, s); }
    return s;
  }

  /** Raise the interval for one host (robots.txt Crawl-delay), never lower it. */
  setMinInterval(host: string, ms: number): void {
    const s = this.state(host);
    s.intervalMs = Math.max(s.intervalMs, Math.min(ms, 60_000));
  }

  /** Run `task` when the host has a free slot and the interval has passed. */
  async run<T>(host: string, task: () => Promise<T>): Promise<T> {
    const s = this.state(host);
    while (s.active >= this.concurrency) await new Promise<void>((r) => s.waiters.push(r));
    s.active++;
    try {
      const wait = s.lastStart + s.intervalMs - this.now();
      if (wait > 0) await this.sleep(wait);
      s.lastStart = this.now();
      return await task();
    } finally {
      s.active--;
      s.waiters.shift()?.();
    }
  }
}
