// Rendering JavaScript pages with puppeteer and the system Chromium, loaded lazily so nothing
// pays for a browser unless an adapter (browser, dianping) needs one. Each render gets its own
// browser context whose traffic all goes through its own in-process guarded proxy
// (security/guarded-proxy.ts; loopback included), so the SSRF guard is applied to the address
// actually connected to; request interception vets every request as a second layer. Cookies from
// the source's jar are handed to the page. A request whose meta.session is a browser-session spec
// (browser-session.ts) runs as a logged-in session: saved cookies and localStorage restored, the
// page's own API answers captured and returned as the page text, the state saved again.
import type { Browser, HTTPRequest, Page as PuppeteerPage } from 'puppeteer';
import type { CrawlRequest, Page } from './adapter.js';
import type { CookieJar } from './cookie-jar.js';
import { CrawlError, NetworkError } from './errors.js';
import { PrivateHostError, assertPublicUrl, type HostGuard } from '../security/ssrf-guard.js';
import { GuardedProxy, refuseAll, vetNothing, vetWithGuard, vetWithUrlCheck, type ProxyLog, type TargetVetter } from '../security/guarded-proxy.js';
import { SessionRun, SessionStore, isSessionSpec } from './browser-session.js';

/** where saved browser sessions live unless BrowserRendererOptions.sessions says otherwise */
export const DEFAULT_SESSION_DIR = 'data/sessions';

export interface BrowserRendererOptions {
  executablePath?: string | null;
  timeoutMs?: number;
  waitForSelector?: string;
  /** where the proxies' refusals are reported (default: stderr) */
  log?: ProxyLog;
  /** saved logged-in browser sessions (default: a store in data/sessions) */
  sessions?: SessionStore;
}

/** Per-render network settings. */
export interface RenderNetOptions {
  /** the source's HTTP proxy (http://[user:pass@]host:port); the guarded proxy forwards through it */
  upstreamProxy?: string | null;
  log?: ProxyLog;
  /** override the proxy's vetting (tests: a fake resolver); default derives from the guard */
  vet?: TargetVetter;
  /** the account pool's pick for a browser-session request: its saved session's name, instead of the adapter's `account` param */
  sessionAccount?: string | null;
}

/** The guard of a render: the crawler's HostGuard, or (older callers) a URL check function. */
export type RenderGuard = HostGuard | ((url: string) => Promise<void>);

const defaultLog: ProxyLog = (level, msg) => { if (level !== 'debug') process.stderr.write(`[flarewatch] ${msg}\n`); };

const bareHost = (u: string): string | null => {
  try { return new URL(u).hostname.replace(/^\[|\]$/g, '').toLowerCase(); } catch { return null; }
};

export class BrowserRenderer {
  private browser: Promise<{ browser: Browser; backstop: GuardedProxy }> | null = null;
  constructor(private readonly o: BrowserRendererOptions = {}) {}

  private async launch(): Promise<{ browser: Browser; backstop: GuardedProxy }> {
    const { existsSync } = await import('node:fs');
    const path = this.o.executablePath ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
    const puppeteer = (await import('puppeteer')).default;
    // the default context (which renders never use) goes through a proxy that refuses everything
    const backstop = await GuardedProxy.start({ vet: refuseAll('not reachable outside a render'), log: () => undefined });
    try {
      const browser = await puppeteer.launch({
        executablePath: path, headless: true,
        args: ['--no-sandbox', '--disable-dev-shm-usage', `--proxy-server=${backstop.url}`, '--proxy-bypass-list=<-loopback>', '--force-webrtc-ip-handling-policy=disable_non_proxied_udp'],
      });
      return { browser, backstop };
    } catch (e) {
      await backstop.close();
      throw new CrawlError(`cannot start Chromium (${(e as Error).message.split('\n')[0]}); install it (apt-get install -y chromium) or set PUPPETEER_EXECUTABLE_PATH`);
    }
  }

  /**
   * Render one page. With `guard`, every connection the page makes (document, redirects,
   * sub-resources, scripts' fetches, websockets) goes to an address the guard vetted, and every
   * request is also vetted before Chromium sends it; a document the guard refuses fails with
   * PrivateHostError. Without a guard the page may reach any host (fixed adapters).
   */
  async render(req: CrawlRequest, userAgent: string, jar?: CookieJar, guard?: RenderGuard | null, net: RenderNetOptions = {}): Promise<Page> {
    const asked = req.meta?.session;
    if (isSessionSpec(asked)) {
      const spec = net.sessionAccount ? { ...asked, account: net.sessionAccount } : asked;
      // throws SessionChallengeError before any browser starts when the account waits for a person
      const run = new SessionRun(spec, this.o.sessions ?? new SessionStore(DEFAULT_SESSION_DIR));
      // the source's cookies become browser cookies of the session (kept in its file), not a header
      const seed = jar?.header(new URL(req.url)) ?? null;
      const r = await this.withPage(req, userAgent, undefined, guard, net, (p) => run.after(p), undefined, (p) => run.before(p, req.url, seed));
      return { ...r.page, contentType: r.extra.contentType, text: r.extra.text };
    }
    return (await this.withPage(req, userAgent, jar, guard, net, async () => null)).page;
  }

  /**
   * Render one page under the same guard as render() and also take a PNG screenshot of what is
   * shown (the evidence archive's capture: it goes through exactly the crawler's guarded path).
   */
  async snapshot(req: CrawlRequest, userAgent: string | null, guard: RenderGuard, net: RenderNetOptions & { viewport?: { width: number; height: number } } = {}): Promise<{ page: Page; png: Buffer }> {
    const r = await this.withPage(req, userAgent, undefined, guard, net, async (p) => Buffer.from(await p.screenshot({ type: 'png', fullPage: false })), net.viewport);
    return { page: r.page, png: r.extra };
  }

  /**
   * A page that stays open until `close` (the QR login, qr-login.ts), in a browser context of its
   * own whose traffic goes through its own proxy (forwarding to `net.upstreamProxy`, the account's
   * proxy). Not guarded: it opens an adapter's fixed login page, or the configured source's origin.
   */
  async openPage(userAgent: string | null, net: RenderNetOptions = {}): Promise<{ page: PuppeteerPage; close(): Promise<void> }> {
    const browser = await this.ensureBrowser();
    const proxy = await GuardedProxy.start({ vet: net.vet ?? vetNothing(), upstream: net.upstreamProxy ?? null, log: net.log ?? this.o.log ?? defaultLog });
    try {
      const context = await browser.createBrowserContext({ proxyServer: proxy.url, proxyBypassList: ['<-loopback>'] });
      const page = await context.newPage();
      if (userAgent) await page.setUserAgent(userAgent);
      let closed = false;
      return {
        page,
        async close() {
          if (closed) return;
          closed = true;
          await context.close().catch(() => undefined);
          await proxy.close();
        },
      };
    } catch (e) {
      await proxy.close();
      throw e;
    }
  }

  private async ensureBrowser(): Promise<Browser> {
    this.browser ??= this.launch();
    try {
      return (await this.browser).browser;
    } catch (e) {
      this.browser = null;
      throw e;
    }
  }

  private async withPage<T>(req: CrawlRequest, userAgent: string | null, jar: CookieJar | undefined, guard: RenderGuard | null | undefined, net: RenderNetOptions,
    extra: (page: PuppeteerPage) => Promise<T>, viewport?: { width: number; height: number }, before?: (page: PuppeteerPage) => Promise<void>): Promise<{ page: Page; extra: T }> {
    const browser = await this.ensureBrowser();
    const check = typeof guard === 'function' ? guard : guard ? (u: string) => assertPublicUrl(u, guard) : null;
    const vet = net.vet ?? (typeof guard === 'function' ? vetWithUrlCheck(guard) : guard ? vetWithGuard(guard) : vetNothing());
    const proxy = await GuardedProxy.start({ vet, upstream: net.upstreamProxy ?? null, log: net.log ?? this.o.log ?? defaultLog });
    const refusedByInterception = new Map<string, PrivateHostError>();
    let context: Awaited<ReturnType<Browser['createBrowserContext']>> | null = null;
    try {
      context = await browser.createBrowserContext({ proxyServer: proxy.url, proxyBypassList: ['<-loopback>'] });
      const page = await context.newPage();
      if (userAgent) await page.setUserAgent(userAgent);
      if (viewport) await page.setViewport(viewport);
      let docUrl = req.url; // the main frame's latest navigation (redirects included)
      if (check) await page.setRequestInterception(true);
      page.on('request', (r: HTTPRequest) => {
        const u = r.url();
        if (r.isNavigationRequest() && r.frame() === page.mainFrame()) docUrl = u;
        if (!check) return;
        if (/^(data|blob|about):/.test(u)) { void r.continue().catch(() => undefined); return; }
        check(u).then(() => r.continue(), (e: unknown) => {
          const h = bareHost(u);
          if (h && e instanceof PrivateHostError) refusedByInterception.set(h, e);
          return r.abort('blockedbyclient');
        }).catch(() => undefined);
      });
      const refused = () => {
        const h = bareHost(docUrl);
        return h ? proxy.refusal(h) ?? refusedByInterception.get(h) : undefined;
      };
      const cookie = jar?.header(new URL(req.url));
      if (cookie) await page.setExtraHTTPHeaders({ cookie });
      if (before) await before(page);
      const timeout = this.o.timeoutMs ?? 30_000;
      let resp;
      try {
        resp = await page.goto(req.url, { waitUntil: 'networkidle2', timeout });
        const sel = (req.meta?.waitFor as string | undefined) ?? this.o.waitForSelector;
        if (sel) await page.waitForSelector(sel, { timeout }).catch(() => undefined);
      } catch (e) {
        throw refused() ?? new NetworkError(`browser: ${(e as Error).message.split('\n')[0]}`, req.url, 'total');
      }
      const r = refused();
      if (r) throw r;
      const html: string = await page.content();
      const more = await extra(page);
      return { page: { request: req, url: page.url(), status: resp?.status() ?? 200, contentType: 'text/html; charset=utf-8', text: html, charset: 'utf-8' }, extra: more };
    } finally {
      await context?.close().catch(() => undefined);
      await proxy.close();
    }
  }

  async close(): Promise<void> {
    const b = this.browser;
    this.browser = null;
    const got = b ? await b.catch(() => null) : null;
    await got?.browser.close().catch(() => undefined);
    await got?.backstop.close();
  }
}
