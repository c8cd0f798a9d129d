// End-to-end in headless Chromium (system /usr/bin/chromium): sign in, see the overview chart
// drawn, open an incident, acknowledge it, see a new alert arrive live, and walk every page with
// a post whose author, title, text and URL carry <img onerror>, <script>, <svg onload> and a
// javascript: URL, asserting that a window.__xss trap never fires.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer';
import { startTestApp, type TestApp, XSS } from '../server/fixtures.js';
import { ensureBundle } from './bundle.js';

const CHROME = process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium';
const hasChrome = existsSync(CHROME);
if (!hasChrome) console.warn(`skipping browser tests: no Chromium at ${CHROME} (apt-get install -y chromium fonts-wqy-microhei)`);

describe.skipIf(!hasChrome)('dashboard in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureBundle();
    app = await startTestApp();
    const { default: puppeteer } = await import('puppeteer');
    browser = await puppeteer.launch({ executablePath: CHROME, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'] });
    page = await browser.newPage();
    await page.setViewport({ width: 1366, height: 800 });
    page.on('pageerror', (e) => pageErrors.push((e as Error).message));
    page.on('dialog', (d) => { pageErrors.push(`dialog: ${d.message()}`); void d.dismiss(); });
    // the trap: any injected script that runs sets window.__xss (or calls alert)
    await page.evaluateOnNewDocument(() => {
      const w = window as unknown as { __xssHits: number };
      w.__xssHits = 0;
      Object.defineProperty(window, '__xss', { configurable: false, get: () => w.__xssHits, set: () => { w.__xssHits++; } });
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const ready = (key: string) => page.waitForFunction((k) => document.body.dataset.ready === k, { timeout: 10_000 }, key);
  const xssHits = () => page.evaluate(() => (window as unknown as { __xssHits: number }).__xssHits);

  it('signs in and draws the overview chart', async () => {
    await page.goto(`${app.url}/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#login-user');
    await page.type('#login-user', 'analyst');
    await page.type('#login-pass', 'analyst-pass');
    await page.click('#login-submit');
    await ready('overview');
    const nonBlank = await page.$eval('#risk-chart', (c) => {
      const canvas = c as HTMLCanvasElement;
      const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
      return n;
    });
    expect(nonBlank).toBeGreaterThan(1000);
    expect(await page.$eval('#volume-chart', (c) => (c as HTMLCanvasElement).dataset.drawn)).toBe('1');
  }, 30_000);

  it('shows a new alert live, without reload', async () => {
    await page.waitForFunction(() => document.body.dataset.live === 'open', { timeout: 10_000 });
    const before = await page.$$eval('#alert-feed li', (li) => li.length);
    app.events.emit('alert', { id: 4242, at: '2026-08-22T08:05:00Z', topic: 'brand-x', incident: 'inc-2', level: 'P1', state: 'firing', risk: 91, title: `升级 ${XSS.title}`, reasons: [XSS.text], posts: [], forecast: null, kind: 'incident' });
    await page.waitForSelector('#alert-feed li[data-alert="4242"]', { timeout: 10_000 });
    expect(await page.$$eval('#alert-feed li', (li) => li.length)).toBe(before + 1);
    expect(await page.$eval('#alert-feed li[data-alert="4242"]', (li) => li.textContent)).toContain('<script>');
  }, 20_000);

  it('opens an incident and acknowledges it', async () => {
    await page.click('a[data-incident="inc-1"]');
    await ready('incident');
    expect(await page.$eval('#incident-chart', (c) => (c as HTMLCanvasElement).dataset.drawn)).toBe('1');
    expect(await page.$eval('#incident-title', (e) => e.textContent)).toContain('<svg onload=');
    await page.click('#ack-btn');
    await page.waitForFunction(() => document.querySelector('#incident-status')?.textContent === '已确认', { timeout: 10_000 });
    expect(app.db.prepare("SELECT status, acknowledged_by FROM incidents WHERE id = 'inc-1'").get()).toEqual({ status: 'acknowledged', acknowledged_by: 'analyst' });
    // the hostile post's javascript: URL is not a link
    const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.some((h) => /^\s*javascript:/i.test(h))).toBe(false);
    expect(await page.evaluate(() => document.body.textContent?.includes('onerror='))).toBe(true);
  }, 30_000);

  it('never runs injected script on any page', async () => {
    for (const route of ['overview', 'incidents', 'incident/inc-1', `posts?q=${encodeURIComponent('召回')}`, 'alerts', 'sources', 'rules', 'reports']) {
      await page.evaluate(() => { document.body.dataset.ready = ''; });
      await page.evaluate((r) => { location.hash = `#/${r}`; }, route);
      await ready(route.split(/[/?]/)[0]).catch((e: Error) => { throw new Error(`${route}: ${e.message}`); });
      const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
      expect(hrefs.filter((h) => !/^(#|\/(?!\/)|https?:)/i.test(h)), route).toEqual([]);
      expect(await page.$$eval('script', (s) => s.length), route).toBe(2);
      expect(await page.$$eval('img, svg:not(canvas svg), iframe', (e) => e.length), route).toBe(0);
    }
    // admin-only pages, as an admin
    await page.click('#sign-out');
    await page.waitForSelector('#login-user');
    await page.type('#login-user', 'admin');
    await page.type('#login-pass', 'admin-pass');
    await page.click('#login-submit');
    for (const route of ['users', 'settings', 'rules']) {
      await page.evaluate(() => { document.body.dataset.ready = ''; });
      await page.evaluate((r) => { location.hash = `#/${r}`; }, route);
      await ready(route).catch((e: Error) => { throw new Error(`${route}: ${e.message}`); });
    }
    await new Promise((r) => setTimeout(r, 300)); // give any injected onerror/onload a chance to fire
    expect(await xssHits()).toBe(0);
    expect(pageErrors).toEqual([]);
    // positive control: the trap does count a script that runs
    await page.evaluate(() => { (window as unknown as { __xss: number }).__xss = 1; });
    expect(await xssHits()).toBe(1);
  }, 40_000);
});
