// Rendering JavaScript pages with puppeteer and the system Chromium, loaded lazily so nothing
// pays for a browser unless an adapter (browser, dianping) needs one. One browser, one page at a
// time; cookies from the source's jar are handed to the page.
import type { CrawlRequest, Page } from './adapter.js';
import type { CookieJar } from './cookie-jar.js';
import { CrawlError, NetworkError } from './errors.js';

export interface BrowserRendererOptions { executablePath?: string | null; timeoutMs?: number; waitForSelector?: string }

type PuppeteerBrowser = { newPage(): Promise<any>; close(): Promise<void> };

export class BrowserRenderer {
  private browser: Promise<PuppeteerBrowser> | null = null;
  constructor(private readonly o: BrowserRendererOptions = {}) {}

  private async launch(): Promise<PuppeteerBrowser> {
    const { existsSync } = await import('node:fs');
    const path = this.o.executablePath ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
    const puppeteer = (await import('puppeteer')).default;
    try {
      return (await puppeteer.launch({ executablePath: path, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] })) as unknown as PuppeteerBrowser;
    } catch (e) {
      throw new CrawlError(`cannot start Chromium (${(e as Error).message.split('\n')[0]}); install it (apt-get install -y chromium) or set PUPPETEER_EXECUTABLE_PATH`);
    }
  }

  /**
   * Render one page. `guard`, when given, vets every request the page makes (sub-resources,
   * redirects, scripts' fetches): a refused one is aborted, so a page cannot reach private hosts.
   */
  async render(req: CrawlRequest, userAgent: string, jar?: CookieJar, guard?: (url: string) => Promise<void>): Promise<Page> {
    this.browser ??= this.launch();
    let browser: PuppeteerBrowser;
    try {
      browser = await this.browser;
    } catch (e) {
      this.browser = null;
      throw e;
    }
    const page = await browser.newPage();
    try {
      await page.setUserAgent(userAgent);
      if (guard) {
        await page.setRequestInterception(true);
        page.on('request', (r: { url(): string; continue(): Promise<void>; abort(reason?: string): Promise<void>; isInterceptResolutionHandled?(): boolean }) => {
          const u = r.url();
          if (/^(data|blob|about):/.test(u)) { void r.continue().catch(() => undefined); return; }
          guard(u).then(() => r.continue(), () => r.abort('blockedbyclient')).catch(() => undefined);
        });
      }
      const cookie = jar?.header(new URL(req.url));
      if (cookie) await page.setExtraHTTPHeaders({ cookie });
      const timeout = this.o.timeoutMs ?? 30_000;
      let resp;
      try {
        resp = await page.goto(req.url, { waitUntil: 'networkidle2', timeout });
        const sel = (req.meta?.waitFor as string | undefined) ?? this.o.waitForSelector;
        if (sel) await page.waitForSelector(sel, { timeout }).catch(() => undefined);
      } catch (e) {
        throw new NetworkError(`browser: ${(e as Error).message.split('\n')[0]}`, req.url, 'total');
      }
      const html: string = await page.content();
      return { request: req, url: page.url(), status: resp?.status() ?? 200, contentType: 'text/html; charset=utf-8', text: html, charset: 'utf-8' };
    } finally {
      await page.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const b = this.browser;
    this.browser = null;
    if (b) await (await b.catch(() => null))?.close().catch(() => undefined);
  }
}
