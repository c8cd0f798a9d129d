// The network side of crawling, in one place: robots.txt (cached per origin, honoured unless
// overridden), per-host politeness, retries with exponential backoff + jitter for timeouts, 408,
// 429 and 5xx only (Retry-After honoured), blocked-session detection (401/403/418/432 by default;
// a server error never retires the session) and cookie-jar health,
// charset decoding, optional browser rendering, and an optional raw-response archive.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyAdapter, CrawlRequest, Page } from './adapter.js';
import { decodeBody } from './charset.js';
import { CookieJar } from './cookie-jar.js';
import { BlockedError, CrawlError, HttpStatusError, RobotsDisallowedError, failureAction } from './errors.js';
import { HostLimiter, type HostLimiterLike } from './host-limiter.js';
import { fetchUrl, DEFAULT_LIMITS, type FetchOptions } from './http-fetch.js';
import { ALLOW_ALL, parseRobots, type RobotsRules } from './robots.js';
import { backoffDelay } from './backoff.js';
import type { PageFetcher } from './crawl-once.js';
import type { BrowserRenderer } from './browser-renderer.js';
import { assertPublicUrl, type HostGuard } from '../security/ssrf-guard.js';

export const USER_AGENT = 'FlarewatchBot/0.1 (+https://github.com/flarewatch/flarewatch; crisis monitoring for PR teams)';

export interface PageFetcherOptions {
  userAgent?: string;
  respectRobots?: boolean;
  /** per-host politeness (default: a HostLimiter of its own) */
  limiter?: HostLimiterLike;
  maxRetries?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  jar?: CookieJar;
  proxy?: string | null;
  limits?: Partial<Pick<FetchOptions, 'connectTimeoutMs' | 'responseTimeoutMs' | 'totalTimeoutMs' | 'maxBytes' | 'maxRedirects'>>;
  /** directory for the raw-response archive (e.g. data/raw); off when null */
  rawArchiveDir?: string | null;
  renderer?: BrowserRenderer | null;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => Date;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
  /** SSRF guard for user-editable sources (web, browser); null: no guard (fixed adapters, CLI) */
  hostGuard?: HostGuard | null;
  /** the pool account's saved browser session (account-pool.ts), for requests run in a browser session */
  sessionAccount?: string | null;
}

export class HttpPageFetcher implements PageFetcher {
  readonly jar: CookieJar;
  private robots = new Map<string, Promise<RobotsRules>>();
  private readonly o: PageFetcherOptions & { userAgent: string; limiter: HostLimiterLike; sleep: (ms: number) => Promise<void> };

  constructor(opts: PageFetcherOptions = {}) {
    this.o = {
      ...opts,
      userAgent: opts.userAgent ?? USER_AGENT,
      limiter: opts.limiter ?? new HostLimiter(),
      sleep: opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    };
    this.jar = opts.jar ?? new CookieJar();
  }

  private baseOpts(headers: Record<string, string>): FetchOptions {
    return { ...DEFAULT_LIMITS, ...this.o.limits, headers: { 'user-agent': this.o.userAgent, accept: '*/*', 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8', ...headers }, proxy: this.o.proxy ?? null, cookies: this.jar, now: this.o.now, hostGuard: this.o.hostGuard ?? null };
  }

  /** robots.txt rules for the URL's origin (fetched once per origin). */
  async robotsFor(url: URL): Promise<RobotsRules> {
    if (this.o.respectRobots === false) return ALLOW_ALL;
    let p = this.robots.get(url.origin);
    if (!p) {
      p = (async () => {
        try {
          const r = await this.o.limiter.run(url.host, () => fetchUrl(new URL('/robots.txt', url).href, { ...this.baseOpts({ accept: 'text/plain' }), maxBytes: 512 * 1024 }));
          const rules = parseRobots(decodeBody(r.body, String(r.headers['content-type'] ?? '')).text, this.o.userAgent);
          if (rules.crawlDelayMs) this.o.limiter.setMinInterval(url.host, rules.crawlDelayMs);
          return rules;
        } catch (e) {
          if (e instanceof HttpStatusError && e.status >= 400 && e.status < 500) return ALLOW_ALL; // no robots.txt
          this.robots.delete(url.origin); // unreachable: ask again next time
          throw e;
        }
      })();
      this.robots.set(url.origin, p);
    }
    return p;
  }

  async fetchPage(req: CrawlRequest, adapter: AnyAdapter): Promise<Page> {
    const url = new URL(req.url);
    if (this.jar.retired) throw new BlockedError(`session for ${adapter.id} is retired (blocked earlier); not fetching ${req.url}`, req.url);
    const rules = await this.robotsFor(url);
    if (!rules.allows(url.pathname + url.search)) throw new RobotsDisallowedError(`robots.txt disallows ${url.pathname}${url.search} for our User-Agent`, req.url);
    const headers = req.headers ?? {};
    const blockedStatuses = adapter.features.blockedStatuses ?? [401, 403, 418, 432];
    const maxRetries = this.o.maxRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        const page = await this.o.limiter.run(url.host, async () => {
          if (req.render || adapter.features.browser) {
            if (!this.o.renderer) throw new CrawlError(`${adapter.id} needs a browser to render ${req.url}, and none is configured`, req.url);
            if (this.o.hostGuard) await assertPublicUrl(req.url, this.o.hostGuard);
            return this.o.renderer.render(req, this.o.userAgent, this.jar, this.o.hostGuard ?? null, { upstreamProxy: this.o.proxy ?? null, log: this.o.log, sessionAccount: this.o.sessionAccount ?? null });
          }
          const r = await fetchUrl(req.url, this.baseOpts(headers));
          const ct = String(r.headers['content-type'] ?? '');
          const d = decodeBody(r.body, ct);
          this.archive(adapter.id, req.url, r.status, ct, r.body);
          return { request: req, url: r.finalUrl, status: r.status, contentType: ct, text: d.text, charset: d.charset } satisfies Page;
        });
        this.jar.markGood();
        return page;
      } catch (e) {
        let err = e;
        if (e instanceof HttpStatusError && blockedStatuses.includes(e.status)) {
          err = new BlockedError(`${adapter.id}: HTTP ${e.status} from ${req.url}: the site is refusing this session`, req.url, e.status);
        }
        const action = failureAction(err);
        if (action === 'retire-session') {
          this.jar.retire();
          throw err;
        }
        if (action === 'retry' && attempt < maxRetries) {
          // a 5xx or a timeout is the site's trouble, not this session's: only 429 counts against the cookies
          if (err instanceof HttpStatusError && err.status === 429) this.jar.markBad(0.5);
          const wait = backoffDelay(attempt, err instanceof HttpStatusError ? err.retryAfterMs : null, { baseMs: this.o.backoffBaseMs, maxMs: this.o.backoffMaxMs, random: this.o.random });
          this.o.log?.('debug', `retrying in ${wait} ms: ${(err as Error).message}`, { url: req.url, attempt: attempt + 1 });
          await this.o.sleep(wait);
          continue;
        }
        throw err;
      }
    }
  }

  private archive(adapterId: string, url: string, status: number, contentType: string, body: Buffer): void {
    const dir = this.o.rawArchiveDir;
    if (!dir) return;
    try {
      const now = (this.o.now ?? (() => new Date()))();
      const day = now.toISOString().slice(0, 10);
      const name = `${now.toISOString().replace(/[:.]/g, '-')}-${createHash('sha1').update(url).digest('hex').slice(0, 12)}`;
      const d = join(dir, adapterId, day);
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, name + '.body'), body);
      writeFileSync(join(d, name + '.json'), JSON.stringify({ url, status, contentType, at: now.toISOString(), bytes: body.length }) + '\n');
    } catch (e) {
      this.o.log?.('warn', `raw archive write failed: ${(e as Error).message}`);
    }
  }
}
