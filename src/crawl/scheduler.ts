// The crawl scheduler: node-cron runs each enabled source on its schedule in an explicit
// timezone; a run never overlaps the previous run of the same source; one host limiter is shared
// by every source (politeness per host); each source keeps its cookie jar across runs, retired
// when blocked and retried after a cool-down; young posts are re-observed on a decaying schedule;
// every run's outcome becomes source status plus health events sent to the sink. A source that
// needs a login crawls through its account pool (account-pool.ts: the least recently used active
// account, its own jar, proxy and politeness; a blocked account is retired or paused, the desk is
// told with an `account` health event, and the run goes on with the next one). In queue mode
// (`dispatch`, FLAREWATCH_QUEUE) a run is handed to crawl workers (src/queue/) instead, and the
// result a worker sends back goes through applyResult, the same path as an in-process run's. A
// pooled source's job carries its accounts in the order a run here would try them (the first is
// marked used when queued, so jobs rotate); the worker runs the same loop over them (runNow's
// `accounts`, job-accounts.ts) and reports what each met, which applyResult applies to the pool
// before the run's status. With no active account left, no job is queued: the run ends blocked here.
import cron, { type ScheduledTask } from 'node-cron';
import type { Env } from '../config/env.js';
import type { Observation } from '../core/observation.js';
import type { AnyAdapter, CrawlRequest } from './adapter.js';
import { getAdapter } from './registry.js';
import { crawlOnce, type CrawlOnceResult } from './crawl-once.js';
import { HttpPageFetcher, type PageFetcherOptions } from './page-fetcher.js';
import { HostLimiter, type HostLimiterLike } from './host-limiter.js';
import { initialJar } from './session-setup.js';
import type { CookieJar } from './cookie-jar.js';
import type { ReobservePolicy } from './reobserve.js';
import type { SourceConfig } from './sources-config.js';
import { applyOutcome, initialStatus, retryAfter, sourceState, type RunSummary, type SourceHealthEvent, type SourceStatus, type HealthThresholds } from './source-health.js';
import type { BrowserRenderer } from './browser-renderer.js';
import { createHostGuard, GUARDED_ADAPTERS } from '../security/ssrf-guard.js';
import { BlockedError } from './errors.js';
import { accountLimiter, type AccountPool, type RunAccounts } from './account-pool.js';
import type { AccountOutcome, QueuedAccount } from './job-accounts.js';
import type { SessionStore } from './browser-session.js';

export type { RunSummary, SourceHealthEvent, SourceStatus } from './source-health.js';

export interface CrawlSink {
  save(sourceId: string, obs: Observation[], now: Date): void | Promise<void>;
  /** which of these ids (of observation source `source`, e.g. 'weibo') are already stored */
  knownIds(source: string, ids: string[]): Set<string>;
  health(ev: SourceHealthEvent): void;
  /** posts due for a metrics re-fetch (decaying schedule), by observation source; `policy` gives each source's settings */
  reobserveDue?(now: Date, policy?: ReobservePolicy): { source: string; id: string; url: string }[];
  /** the status stored by an earlier process, so streaks survive a restart */
  loadStatus?(sourceId: string): Partial<SourceStatus> | null;
  /** register the configured sources (id, adapter, url, ...) */
  registerSources?(sources: SourceConfig[], now: Date): void;
}

/** Queue mode: where a run goes instead of crawling in this process (src/queue/crawl-queue.ts). */
export interface CrawlDispatch {
  /** queue one run of `source` (`extra`: re-observation requests; `accounts`: a pooled source's, in the order to try them); false when the source already has a job waiting */
  enqueue(source: SourceConfig, extra: CrawlRequest[] | null, accounts?: QueuedAccount[] | null): Promise<boolean>;
}

export type LogFn = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

export interface SchedulerOptions {
  sources: SourceConfig[];
  sink: CrawlSink;
  env: Env;
  log?: LogFn;
  /** IANA zone for the cron schedules (default env.timezone, Asia/Shanghai) */
  timezone?: string;
  /** the wall clock (tests pass a fake) */
  now?: () => Date;
  /**
   * cookies for a Weibo source that has none configured (default: a visitor cookie fetched with
   * system Chromium, only for weibo.cn / weibo.com hosts); null when none could be had
   */
  visitorCookie?: (url: string) => Promise<string | null>;
  /** look up a source's cookiesEnv variable (the start command passes process.env's values) */
  lookupSecret?: (name: string) => string | undefined;
  /** cron expression of the re-observation tick (default every minute); null disables it */
  reobserveSchedule?: string | null;
  /** minutes a blocked session rests before a fresh one is tried (default 60) */
  blockedCooldownMinutes?: number;
  /** run each source not crawled in the last 5 minutes once at start (default true) */
  runOnStart?: boolean;
  /** don't schedule anything, only runNow (tests) */
  manual?: boolean;
  /** network knobs passed to every fetcher (timeouts, retries, sleep) */
  fetcher?: Partial<PageFetcherOptions>;
  thresholds?: HealthThresholds;
  /** adapters to use instead of the crawlers/ folder (tests) */
  adapters?: Map<string, AnyAdapter>;
  /** per-host politeness shared by every source (default: a HostLimiter of this process; crawl workers pass a Redis-backed one) */
  limiter?: HostLimiterLike;
  /** queue mode: runs are enqueued for crawl workers instead of crawled here; their results come back through applyResult */
  dispatch?: CrawlDispatch;
  /** the account pools of sources that need a login (account-pool.ts); without it every source crawls with its own cookie jar */
  accounts?: AccountPool | null;
  /** saved browser sessions (default: data/sessions; the pool and QR logins must use the same) */
  sessions?: SessionStore;
}

/** A crawl worker's summary of a queued run: a run's summary, and what each pool account met (job-accounts.ts). */
export type WorkerRunSummary = RunSummary & { accounts?: AccountOutcome[] };

export interface CrawlScheduler {
  stop(): Promise<void>;
  /**
   * run a source now (`extra`: re-observation requests instead of its start URL); queued in queue
   * mode. `accounts`: crawl through these (a queued job's, in a worker) instead of this process's pool.
   */
  runNow(sourceId: string, extra?: CrawlRequest[], accounts?: RunAccounts): Promise<RunSummary>;
  /** a crawl worker's result of a queued run: its accounts' outcomes applied to the pool, then status and health events as for a run in this process */
  applyResult(summary: WorkerRunSummary, reobserve: boolean): void;
  /** run one re-observation tick now; resolves to the number of observations saved */
  reobserveNow(): Promise<number>;
  status(): SourceStatus[];
}

interface SourceState {
  cfg: SourceConfig;
  status: SourceStatus;
  jar: CookieJar | null;
  running: Promise<RunSummary> | null;
  task: ScheduledTask | null;
  /** its config accounts were written to the pool in this process */
  accountsRegistered: boolean;
}

export function startCrawlScheduler(opts: SchedulerOptions): CrawlScheduler {
  const now = opts.now ?? (() => new Date());
  const log: LogFn = opts.log ?? (() => undefined);
  const tz = opts.timezone ?? opts.env.timezone;
  const limiter = opts.limiter ?? new HostLimiter({ minIntervalMs: Math.min(...opts.sources.map((s) => s.minIntervalMs), 2000), ...(opts.fetcher?.sleep ? { sleep: opts.fetcher.sleep } : {}) });
  const states = new Map<string, SourceState>();
  let renderer: BrowserRenderer | null = null;
  let stopped = false;
  opts.sink.registerSources?.(opts.sources, now());

  const adapterFor = (id: string) => (opts.adapters?.get(id) ? Promise.resolve(opts.adapters.get(id)!) : getAdapter(id));

  for (const cfg of opts.sources) {
    const stored = opts.sink.loadStatus?.(cfg.id) ?? {};
    const base = initialStatus({ id: cfg.id, adapter: cfg.adapter, url: cfg.url, enabled: cfg.enabled, schedule: cfg.schedule });
    states.set(cfg.id, { cfg, status: { ...base, ...stored, id: cfg.id, adapter: cfg.adapter, url: cfg.url, enabled: cfg.enabled, schedule: cfg.schedule, running: false }, jar: null, running: null, task: null, accountsRegistered: false });
  }

  // the accounts sources.yaml gives a pooled source are in the table before its first run (the source page lists them)
  if (opts.accounts) {
    const pool = opts.accounts;
    for (const st of states.values()) {
      adapterFor(st.cfg.adapter).then((a) => {
        if (!st.accountsRegistered && pool.uses(st.cfg, a)) { pool.register(st.cfg, a, now()); st.accountsRegistered = true; }
      }).catch((e: Error) => log('warn', `source ${st.cfg.id}: accounts not registered: ${e.message}`));
    }
  }

  function emit(events: SourceHealthEvent[]) {
    for (const ev of events) {
      try {
        opts.sink.health(ev);
      } catch (e) {
        log('error', `health sink failed: ${(e as Error).message}`, { source: ev.sourceId });
      }
    }
  }

  // one visitor cookie shared by the Weibo sources; fetched again after a block
  let visitor: Promise<string | null> | null = null;
  async function visitorCookieFor(url: string, refresh: boolean): Promise<string | null> {
    const get = opts.visitorCookie ?? (async (u: string) => {
      const host = new URL(u).hostname;
      if (!/(^|\.)weibo\.(cn|com)$/.test(host)) return null;
      const { fetchWeiboVisitorCookie } = await import('./weibo-visitor.js');
      return fetchWeiboVisitorCookie({ executablePath: opts.env.puppeteerExecutablePath });
    });
    if (!visitor || refresh) {
      visitor = get(url).catch((e: Error) => {
        log('warn', `Weibo visitor cookie unavailable: ${e.message}`);
        return null;
      });
    }
    const c = await visitor;
    if (c) log('info', 'using a Weibo visitor cookie');
    return c;
  }

  async function fetcherFor(st: SourceState, adapter: AnyAdapter): Promise<HttpPageFetcher> {
    const t = now().getTime();
    const cooldown = (opts.blockedCooldownMinutes ?? 60) * 60_000;
    if (!st.jar || (st.jar.retired && st.status.blockedAt && t - Date.parse(st.status.blockedAt) >= cooldown)) {
      let cookie = st.cfg.cookiesEnv ? opts.lookupSecret?.(st.cfg.cookiesEnv) ?? (st.cfg.cookiesEnv === 'WEIBO_COOKIES' ? opts.env.weiboCookies : null) : null;
      if (!cookie && !opts.env.weiboCookies && adapter.id.startsWith('weibo')) cookie = await visitorCookieFor(st.cfg.url, !!st.jar?.retired);
      st.jar = initialJar(adapter.id, opts.env, cookie ?? null, st.cfg.url);
    }
    return makeFetcher(st, adapter, st.jar, st.cfg.proxy ?? opts.env.httpProxy, limiter, null);
  }

  /** A run's fetcher with this jar, proxy and politeness (the source's own, or one pool account's). */
  async function makeFetcher(st: SourceState, adapter: AnyAdapter, jar: CookieJar, proxy: string | null, lim: HostLimiterLike, sessionAccount: string | null): Promise<HttpPageFetcher> {
    if ((adapter.features.browser || adapter.features.browserSession) && !renderer) {
      const { BrowserRenderer } = await import('./browser-renderer.js');
      renderer = new BrowserRenderer({ executablePath: opts.env.puppeteerExecutablePath, ...(opts.sessions ? { sessions: opts.sessions } : {}) });
    }
    lim.setMinInterval(new URL(st.cfg.url).host, st.cfg.minIntervalMs);
    return new HttpPageFetcher({
      jar, limiter: lim, respectRobots: st.cfg.robots !== 'ignore', proxy, sessionAccount,
      rawArchiveDir: opts.env.rawArchive ? 'data/raw' : null, renderer, log, now,
      hostGuard: GUARDED_ADAPTERS.has(adapter.id) ? createHostGuard(opts.env.allowPrivateHosts ?? []) : null, ...opts.fetcher,
    });
  }

  /**
   * A run through the source's account pool: the least recently used active account crawls; when
   * it is blocked it is retired (paused, for a captcha), the desk hears of it through an `account`
   * health event, and the run starts again with the next active account. With none left the run is
   * blocked (the last account's block, or why no account could be used).
   */
  async function crawlWithAccounts(st: SourceState, adapter: AnyAdapter, pool: RunAccounts, crawl: (f: HttpPageFetcher) => Promise<CrawlOnceResult>): Promise<CrawlOnceResult> {
    const tried = new Set<number>();
    const seen = new Map<string, Observation>();
    let pages = 0;
    let last: CrawlOnceResult | null = null;
    for (;;) {
      const acct = pool.pick(st.cfg.id, tried);
      if (!acct) {
        const why = last?.blocked ?? pool.noAccountError(st.cfg.id, st.cfg.url);
        return { observations: [...seen.values()], pages, errors: last?.errors.length ? last.errors : [{ url: st.cfg.url, error: why }], blocked: why instanceof BlockedError ? why : null };
      }
      tried.add(acct.id);
      const jar = pool.jarFor(acct, adapter, st.cfg.url);
      pool.markUsed(acct, now());
      const fetcher = await makeFetcher(st, adapter, jar, acct.proxy ?? st.cfg.proxy ?? opts.env.httpProxy, accountLimiter(limiter, acct.id), pool.sessionAccountOf(acct));
      last = await crawl(fetcher);
      pages += last.pages;
      for (const o of last.observations) seen.set(`${o.source}|${o.kind}|${o.id}`, o);
      const ev = pool.settle(acct, jar, last.blocked, now());
      if (ev) { log('warn', `source ${st.cfg.id}: ${ev.message}`); emit([ev]); }
      if (!last.blocked) return { ...last, observations: [...seen.values()], pages };
    }
  }

  /** this process's pool for a source that needs one (its sources.yaml accounts registered first), else null */
  function poolOf(st: SourceState, adapter: AnyAdapter): AccountPool | null {
    const pool = opts.accounts?.uses(st.cfg, adapter) ? opts.accounts : null;
    if (pool && !st.accountsRegistered) { pool.register(st.cfg, adapter, now()); st.accountsRegistered = true; }
    return pool;
  }

  async function doRun(st: SourceState, extra: CrawlRequest[] | null, accounts: RunAccounts | null): Promise<RunSummary> {
    const started = now();
    const errors: string[] = [];
    let items = 0, pages = 0, blocked = false;
    let observations: Observation[] = [];
    try {
      const adapter = await adapterFor(st.cfg.adapter);
      const isReobserve = extra !== null;
      const crawl = (fetcher: HttpPageFetcher) => crawlOnce({
        adapter, url: isReobserve ? extra[0].url : st.cfg.url, params: st.cfg.params,
        maxPages: isReobserve ? extra.length : st.cfg.maxPages, now: started, fetcher,
        knownIds: (ids) => opts.sink.knownIds(adapter.id, ids),
        extraRequests: isReobserve ? extra.slice(1) : undefined, log,
      });
      const pool = accounts ?? poolOf(st, adapter);
      const res = pool ? await crawlWithAccounts(st, adapter, pool, crawl) : await crawl(await fetcherFor(st, adapter));
      observations = res.observations;
      pages = res.pages;
      blocked = !!res.blocked;
      errors.push(...res.errors.map((e) => `${e.error.name}: ${e.error.message}`));
      if (observations.length) await opts.sink.save(st.cfg.id, observations, started);
      items = observations.length;
    } catch (e) {
      errors.push(`${(e as Error).name}: ${(e as Error).message}`);
      log('error', `source ${st.cfg.id} failed: ${(e as Error).message}`);
    }
    const outcome: RunSummary['outcome'] = blocked ? 'blocked' : errors.length && !items ? 'error' : items ? 'ok' : 'empty';
    return { sourceId: st.cfg.id, startedAt: started.toISOString(), finishedAt: now().toISOString(), items, pages, errors, blocked, outcome, observations };
  }

  /** a run's outcome becomes the source's status and health events (runs in this process, and workers' results in queue mode) */
  function finish(st: SourceState, summary: RunSummary, reobserve: boolean): RunSummary {
    const { status, events } = applyOutcome(st.status, summary, now(), opts.thresholds);
    // a re-observation tick only counts against health when it fails
    if (reobserve && summary.outcome !== 'error' && summary.outcome !== 'blocked') st.status = { ...st.status, running: false };
    else { st.status = status; emit(events); }
    log(summary.outcome === 'ok' ? 'info' : 'warn', `source ${st.cfg.id}: ${summary.outcome}, ${summary.items} items from ${summary.pages} page(s)${summary.errors[0] ? `: ${summary.errors[0]}` : ''}`);
    return summary;
  }

  /**
   * queue mode: hand the run to the crawl workers; the summary only says whether a job was added.
   * A pooled source's job carries its active accounts, least recently used first (the first is
   * marked used once the job is in); with none active the run ends blocked here, as in-process.
   */
  async function enqueueRun(st: SourceState, extra: CrawlRequest[] | null): Promise<RunSummary> {
    const t = now();
    const at = t.toISOString();
    let pool: AccountPool | null = null;
    if (opts.accounts) {
      try {
        pool = poolOf(st, await adapterFor(st.cfg.adapter));
      } catch (e) {
        log('warn', `source ${st.cfg.id}: ${(e as Error).message}; queued without accounts`);
      }
    }
    const accounts = pool ? pool.queueOrder(st.cfg.id, t) : null;
    if (pool && !accounts!.length) {
      const why = pool.noAccountError(st.cfg.id, st.cfg.url);
      return finish(st, { sourceId: st.cfg.id, startedAt: at, finishedAt: now().toISOString(), items: 0, pages: 0, errors: [`${why.name}: ${why.message}`], blocked: true, outcome: 'blocked', observations: [] }, !!extra);
    }
    const added = await opts.dispatch!.enqueue(st.cfg, extra, accounts);
    if (added && pool && accounts) pool.markUsed(accounts[0], t);
    log('debug', added ? `source ${st.cfg.id}: queued for a crawl worker${accounts ? ` (account ${accounts[0].name}${accounts.length > 1 ? `, then ${accounts.slice(1).map((a) => a.name).join(', ')}` : ''})` : ''}` : `source ${st.cfg.id}: a job is already waiting; not queued again`);
    return { sourceId: st.cfg.id, startedAt: at, finishedAt: at, items: 0, pages: 0, errors: [], blocked: false, outcome: added ? 'queued' : 'skipped' };
  }

  function run(sourceId: string, extra: CrawlRequest[] | null = null, accounts: RunAccounts | null = null): Promise<RunSummary> {
    const st = states.get(sourceId);
    if (!st) return Promise.reject(new Error(`unknown source '${sourceId}'`));
    if (opts.dispatch) return enqueueRun(st, extra);
    if (st.running) {
      log('debug', `source ${sourceId} is still running; not starting another run`);
      return extra ? Promise.resolve({ sourceId, startedAt: now().toISOString(), finishedAt: now().toISOString(), items: 0, pages: 0, errors: [], blocked: false, outcome: 'skipped' }) : st.running;
    }
    st.status = { ...st.status, running: true };
    const p = doRun(st, extra, accounts).then((summary) => finish(st, summary, !!extra)).finally(() => {
      st.running = null;
      st.status = { ...st.status, running: false };
    });
    st.running = p;
    return p;
  }

  async function reobserveNow(): Promise<number> {
    // each observation source is followed by the first enabled source using that adapter, with its reobserve settings
    const following = [...states.values()].filter((s) => s.cfg.enabled && s.cfg.reobserve.enabled);
    const stateOf = (source: string) => following.find((s) => s.cfg.adapter === source) ?? null;
    const policy: ReobservePolicy = {
      settingsOf(source) {
        const r = stateOf(source)?.cfg.reobserve;
        return r ? { firstMinutes: r.firstMinutes, maxAgeMinutes: r.maxAgeHours * 60, limit: r.limit } : null;
      },
      maxAgeMinutes: Math.max(0, ...following.map((s) => s.cfg.reobserve.maxAgeHours * 60)),
    };
    const due = policy.maxAgeMinutes > 0 ? opts.sink.reobserveDue?.(now(), policy) ?? [] : [];
    if (!due.length) return 0;
    let saved = 0;
    const bySource = new Map<string, CrawlRequest[]>();
    for (const d of due) {
      const st = stateOf(d.source);
      if (!st) continue;
      let url = d.url;
      try {
        const adapter = await adapterFor(st.cfg.adapter);
        url = adapter.reobserveUrl?.({ id: d.id, url: d.url }, st.cfg.params, st.cfg.url) ?? d.url;
      } catch { /* keep the item url */ }
      const list = bySource.get(st.cfg.id) ?? [];
      if (list.length < st.cfg.reobserve.limit) list.push({ url, follow: 'detail', label: 'reobserve', meta: { id: d.id } });
      bySource.set(st.cfg.id, list);
    }
    for (const [id, reqs] of bySource) saved += (await run(id, reqs)).items;
    return saved;
  }

  /** a source failing run after run waits out its backoff (source-health.ts retryAfter) before the next scheduled run */
  function backingOff(st: SourceState): boolean {
    const until = retryAfter(st.status);
    if (!until || now() >= until) return false;
    log('debug', `source ${st.cfg.id}: ${st.status.errorStreak} failed runs in a row, next try after ${until.toISOString()}`);
    return true;
  }

  let reobserveTask: ScheduledTask | null = null;
  const startTimers: NodeJS.Timeout[] = [];
  if (!opts.manual) {
    for (const st of states.values()) {
      if (!st.cfg.enabled) continue;
      st.task = cron.schedule(st.cfg.schedule, () => { if (!stopped && !backingOff(st)) void run(st.cfg.id).catch((e) => log('error', (e as Error).message)); }, { timezone: tz, name: `crawl:${st.cfg.id}`, noOverlap: true });
    }
    // a source not crawled in the last few minutes runs once right away (staggered), so a fresh
    // start shows data and source health at once instead of at the next cron tick
    if (opts.runOnStart !== false) {
      let k = 0;
      const recent = now().getTime() - 5 * 60_000;
      for (const st of states.values()) {
        if (!st.cfg.enabled || (st.status.lastRunAt && Date.parse(st.status.lastRunAt) >= recent)) continue;
        const t = setTimeout(() => { if (!stopped) void run(st.cfg.id).catch((e) => log('error', (e as Error).message)); }, 500 + 1500 * k++);
        t.unref?.();
        startTimers.push(t);
      }
    }
    if (opts.reobserveSchedule !== null && opts.sink.reobserveDue) {
      const t = cron.schedule(opts.reobserveSchedule ?? '* * * * *', () => { if (!stopped) void reobserveNow().catch((e) => log('error', `re-observation: ${(e as Error).message}`)); }, { timezone: tz, name: 'crawl:reobserve', noOverlap: true });
      reobserveTask = t;
    }
  }

  return {
    runNow: (id, extra, accounts) => run(id, extra ?? null, accounts ?? null),
    applyResult(summary, reobserve) {
      const st = states.get(summary.sourceId);
      if (!st) return log('warn', `a crawl result for unknown source '${summary.sourceId}' (removed from sources.yaml?): ignored`);
      // each account's outcome, in the order the worker tried them, as settle() does after each try in-process
      for (const o of summary.accounts ?? []) {
        if (o.outcome === 'unavailable') { log('warn', `source ${st.cfg.id}: ${o.reason} (on the worker that took the job)`); continue; }
        if (!opts.accounts) continue;
        const ev = opts.accounts.applyOutcome(o, now());
        if (ev) { log('warn', `source ${st.cfg.id}: ${ev.message}`); emit([ev]); }
      }
      const { accounts: _accounts, ...run } = summary;
      finish(st, run, reobserve);
    },
    reobserveNow,
    status: () => [...states.values()].map((s) => ({ ...s.status, running: !!s.running, nextRunAt: s.task?.getNextRun()?.toISOString() ?? null,
      state: sourceState(s.status, opts.thresholds), retryAt: retryAfter(s.status)?.toISOString() ?? null })),
    async stop() {
      stopped = true;
      for (const t of startTimers) clearTimeout(t);
      for (const st of states.values()) await st.task?.destroy();
      await reobserveTask?.destroy();
      await Promise.allSettled([...states.values()].map((s) => s.running));
      await renderer?.close();
    },
  };
}
