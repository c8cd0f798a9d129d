// The source page (#/source/ID, dashboard/src/pages/source.ts) in headless Chromium (system
// /usr/bin/chromium, skipped without it), in English: the account pool with each account's state
// (a reason carrying markup stays text), "Log in (QR code)" showing the code as an <img> from the
// authenticated PNG endpoint under the dashboard's CSP, "expired: get a new one", and "I solved it /
// resume" bringing a paused account back, and on a phone the accounts as cards without sideways
// scrolling. The login service is a stand-in (the real one is tests/crawl/qr-login.test.ts); the
// pool is real.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Server } from 'node:http';
import { existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Browser, Page } from 'puppeteer';
import { openDb } from '../../src/db/connection.js';
import { storeOf } from '../../src/db/store/index.js';
import { readEnv } from '../../src/config/env.js';
import { createApp } from '../../src/server/app.js';
import { UserAccounts } from '../../src/server/user-accounts.js';
import { AccountPool } from '../../src/crawl/account-pool.js';
import { SessionStore } from '../../src/crawl/browser-session.js';
import { sourceConfig } from '../../src/crawl/sources-config.js';
import { getAdapter } from '../../src/crawl/registry.js';
import type { LoginService, LoginView } from '../../src/crawl/qr-login.js';
import { ensureBundle } from './bundle.js';

const CHROME = process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium';
const hasChrome = existsSync(CHROME);
if (!hasChrome) console.warn(`skipping the source page test: no Chromium at ${CHROME}`);
const XSS_REASON = 'captcha: <img src=x onerror="window.__xss=1"> at https://www.xiaohongshu.com/website-login/captcha';

describe.skipIf(!hasChrome)('source page in Chromium', () => {
  const db = openDb(':memory:');
  const sessions = new SessionStore(mkdtempSync(join(tmpdir(), 'fw-src-page-')));
  const env = readEnv({});
  const pool = new AccountPool({ store: storeOf(db).accounts, sessions, env });
  const cfg = sourceConfig({ id: 'xhs-brand', adapter: 'xhs', url: 'https://www.xiaohongshu.com/search_result?keyword=x', accounts: [{ name: 'desk-a' }, { name: 'desk-b' }] });
  let login: LoginView | null = null;
  let png: Buffer = Buffer.alloc(0);
  const logins: LoginService = {
    start: async (_c, _a, req) => (login = { id: 'l1', sourceId: 'xhs-brand', account: req?.account ?? 'qr-1', state: 'waiting', startedAt: new Date().toISOString(), qrAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 120_000).toISOString(), qrVersion: 1, capture: 'qr', message: null, guessed: ['qrSelector'] }),
    status: () => login,
    qr: () => (login?.state === 'waiting' ? { png, version: login.qrVersion } : null),
    cancel: () => { login = null; return true; },
  };
  let server: Server;
  let url = '';
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    await ensureBundle();
    await new UserAccounts(db).add('admin', 'admin-pass-123', 'admin', new Date());
    pool.register(cfg, await getAdapter('xhs'), new Date());
    const a = storeOf(db).accounts.byName('xhs-brand', 'desk-a')!;
    storeOf(db).accounts.setState(a.id, 'paused', XSS_REASON, 1, new Date());
    const app = createApp({ db, env, secret: 'test-secret', now: () => new Date(),
      accounts: { pool, logins, source: (id) => (id === cfg.id ? cfg : null), adapter: (id) => getAdapter(id) } });
    server = await new Promise<Server>((ok) => { const s = app.listen(0, '127.0.0.1', () => ok(s)); });
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const { default: puppeteer } = await import('puppeteer');
    browser = await puppeteer.launch({ executablePath: CHROME, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
    page = await browser.newPage();
    png = Buffer.from(await page.screenshot({ type: 'png', clip: { x: 0, y: 0, width: 40, height: 40 } }));
    page.on('pageerror', (e) => problems.push(`pageerror: ${(e as Error).message}`));
    page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`); });
    await page.evaluateOnNewDocument(() => {
      localStorage.setItem('fw.lang', 'en');
      Object.defineProperty(window, '__xss', { configurable: false, get: () => 0, set: () => { (window as unknown as { __hits: number }).__hits = 1; } });
    });
    await page.goto(`${url}/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#login-user');
    await page.type('#login-user', 'admin');
    await page.type('#login-pass', 'admin-pass-123');
    await page.click('#login-submit');
    await page.waitForFunction(() => document.body.dataset.ready === 'overview', { timeout: 15_000 }).catch(() => undefined);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it('lists the accounts with their state; a reason carrying markup stays text', async () => {
    await page.goto(`${url}/#/source/xhs-brand`);
    await page.waitForFunction(() => document.body.dataset.ready === 'source', { timeout: 15_000 });
    await page.waitForSelector('[data-account-state]');
    const rows = await page.$$eval('#accounts tbody tr', (trs) => trs.map((tr) => [tr.children[0].textContent, tr.querySelector('[data-account-state]')?.getAttribute('data-account-state')]));
    expect(rows).toEqual([['desk-a', 'paused'], ['desk-b', 'active']]);
    expect(await page.$eval('#accounts', (el) => el.textContent)).toContain('<img src=x onerror="window.__xss=1">');
    expect(await page.$('#accounts img')).toBeNull();
    expect(await page.$eval('#resume-source', (b) => (b as HTMLButtonElement).hidden)).toBe(false);
    expect(await page.$eval('#login-guessed', (p) => p.textContent)).toMatch(/guessed.*qrSelector/);
  }, 30_000);

  it('"Log in (QR code)" shows the code from the PNG endpoint; an expired code offers a new one', async () => {
    await page.type('#login-account', 'desk-c');
    await page.click('#login-start');
    await page.waitForFunction(() => { const i = document.getElementById('login-qr') as HTMLImageElement | null; return !!i && !i.hidden && i.complete && i.naturalWidth > 0; }, { timeout: 10_000 });
    expect(await page.$eval('#login-qr', (i) => i.getAttribute('src'))).toBe('/api/v1/sources/xhs-brand/login/qr.png?v=1');
    expect(await page.$eval('#login-qr', (i) => (i as HTMLImageElement).naturalWidth)).toBe(40);
    expect(await page.$eval('#login-status', (p) => p.textContent)).toBe('desk-c: Scan the QR code with the Xiaohongshu phone app');
    login = { ...login!, state: 'expired', message: 'the QR code expired: get a new one' };
    await page.waitForFunction(() => !(document.getElementById('login-new') as HTMLButtonElement).hidden, { timeout: 10_000 });
    expect(await page.$eval('#login-status', (p) => p.textContent)).toBe('desk-c: The QR code expired: get a new one');
    expect(await page.$eval('#login-qr', (i) => (i as HTMLImageElement).hidden)).toBe(true);
  }, 30_000);

  it('"I solved it / resume" brings the paused account back; no CSP violation, no script from data', async () => {
    await page.click('#resume-source');
    await page.waitForFunction(() => document.querySelector('[data-account-state]')?.getAttribute('data-account-state') === 'active', { timeout: 10_000 });
    expect(storeOf(db).accounts.byName('xhs-brand', 'desk-a')!.state).toBe('active');
    expect(await page.$eval('#status', (s) => s.textContent)).toBe('Resumed: desk-a');
    expect(await page.evaluate(() => (window as unknown as { __hits?: number }).__hits ?? 0)).toBe(0);
    expect(problems).toEqual([]);
  }, 30_000);

  it('on a phone: no sideways scroll, each account a card with every value under its column name, the platform by name', async () => {
    await page.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true });
    try {
      await page.goto(`${url}/#/source/xhs-brand`);
      await page.reload();
      await page.waitForFunction(() => document.body.dataset.ready === 'source', { timeout: 15_000 });
      await page.waitForSelector('#accounts table.stack');
      const view = await page.evaluate(() => {
        const heads = [...document.querySelectorAll('#accounts thead th')].map((th) => th.textContent);
        const row = document.querySelector('#accounts tbody tr')!;
        return {
          scroll: document.documentElement.scrollWidth,
          labels: [...row.querySelectorAll('td')].map((td) => td.getAttribute('data-label')),
          heads,
          theadHeight: document.querySelector('#accounts thead')!.getBoundingClientRect().height,
          cellsInOneColumn: new Set([...row.querySelectorAll('td')].slice(1, -1).map((td) => Math.round(td.getBoundingClientRect().left))).size,
          facts: [...document.querySelectorAll('.facts dt, .facts dd')].slice(0, 2).map((e) => e.textContent),
        };
      });
      expect(view.scroll).toBeLessThanOrEqual(390);
      expect(view.labels).toEqual(view.heads);
      expect(view.theadHeight).toBeLessThanOrEqual(1); // the column names are read from each cell's label
      expect(view.cellsInOneColumn).toBe(1); // stacked, not side by side
      expect(view.facts).toEqual(['Platform', 'Xiaohongshu']);
    } finally {
      await page.setViewport({ width: 1440, height: 900 });
    }
  }, 30_000);
});
