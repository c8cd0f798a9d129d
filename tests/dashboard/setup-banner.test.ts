// The overview's setup banner in headless Chromium (issue 14 item 3): what is missing for alerts to
// reach people and how to fix it, in zh-CN and English, built from GET /healthz `setup` with text
// nodes only (a hostile receiver name stays text), and gone once everything is set.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';

import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer';
import { startTestApp, type TestApp } from '../server/fixtures.js';
import { parseAlertingConfig } from '../../src/config/alerting-config.js';
import { createNotifier } from '../../src/alerting/notifier.js';
import { ensureBundle } from './bundle.js';

const CHROME = process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium';
const ROOT = new URL('../../', import.meta.url).pathname;
const EVIL = '<img src=x onerror=window.__xss=1>';

it('the banner is built from text nodes, never innerHTML', () => {
  const src = readFileSync(join(ROOT, 'dashboard/src/pages/overview.ts'), 'utf8');
  expect(src).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML/);
});

describe.skipIf(!existsSync(CHROME))('setup banner on the overview, in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await ensureBundle();
    app = await startTestApp();
    // the shipped receiver, named by an admin with markup in it; FLAREWATCH_WEBHOOK_URL unset
    const yaml = readFileSync(join(ROOT, 'rules/alerting.yaml'), 'utf8').replace(/name: pr-desk/, `name: "${EVIL}"`).replace(/receiver: pr-desk/g, `receiver: "${EVIL}"`);
    app.deps.notifier = createNotifier(app.db, parseAlertingConfig('alerting.yaml', yaml, {}), { env: app.deps.env, secret: 's' });
    const { default: puppeteer } = await import('puppeteer');
    browser = await puppeteer.launch({ executablePath: CHROME, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage'] });
    page = await browser.newPage();
    await page.setViewport({ width: 390, height: 844 });
    await page.evaluateOnNewDocument(() => { (window as unknown as { __xss: number }).__xss = 0; });
  }, 60_000);

  afterAll(async () => { await browser?.close(); await app?.close(); });

  const ready = () => page.waitForFunction(() => document.body.dataset.ready === 'overview', { timeout: 10_000 });
  const items = () => page.$$eval('#setup-banner li', (li) => li.map((l) => ({ id: l.getAttribute('data-setup'), text: l.textContent })));

  it('names what is missing and the fix, in Chinese', async () => {
    await page.goto(`${app.url}/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#login-user');
    await page.type('#login-user', 'viewer');
    await page.type('#login-pass', 'viewer-pass');
    await page.click('#login-submit');
    await ready();
    expect(await page.$eval('#setup-banner strong', (e) => e.textContent)).toBe('设置未完成，告警可能送不到人');
    expect(await items()).toEqual([
      { id: 'receiver-url-unset', text: `目前没有任何接收人能收到告警：环境变量 FLAREWATCH_WEBHOOK_URL 未设置，接收人 ${EVIL} 的 webhook 渠道已停用。 解决办法：设置 FLAREWATCH_WEBHOOK_URL 后重启 Flarewatch，或在 alerting.yaml 中为接收人配置其他渠道。` },
      { id: 'public-url-unset', text: '告警里的链接（查看事件、一键确认）指向 http://127.0.0.1:8080/，在手机或其他电脑上打不开。 解决办法：把 FLAREWATCH_PUBLIC_URL 设为大家访问看板的地址（如 https://flarewatch.example.com）后重启 Flarewatch。' },
    ]);
    expect(await page.$$eval('#setup-banner img', (e) => e.length)).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss: number }).__xss)).toBe(0);
    // first thing under the heading (its row also holds the time-range picker), above the charts
    expect(await page.$eval('#setup-banner', (e) => { const p = e.previousElementSibling; return p?.tagName === 'H1' || !!p?.querySelector(':scope > h1'); })).toBe(true);
  }, 30_000);

  it('and in English', async () => {
    // the language the switch stores (dashboard/src/i18n.ts), then a fresh load of the overview
    await page.evaluate(() => { localStorage.setItem('fw.lang', 'en'); });
    await page.reload({ waitUntil: 'domcontentloaded' });
    await ready();
    expect(await page.$eval('#setup-banner strong', (e) => e.textContent)).toBe('Setup incomplete: alerts may not reach anyone');
    expect((await items()).map((i) => i.text)).toEqual([
      `No receiver can deliver alerts: FLAREWATCH_WEBHOOK_URL is not set, so the webhook channel of receiver ${EVIL} is disabled. Fix: Set FLAREWATCH_WEBHOOK_URL and restart Flarewatch, or give the receiver another channel in alerting.yaml.`,
      'Links in alerts (incident, acknowledge) point to http://127.0.0.1:8080/, which does not open on a phone or another computer. Fix: Set FLAREWATCH_PUBLIC_URL to the address people use for the dashboard (e.g. https://flarewatch.example.com) and restart Flarewatch.',
    ]);
  }, 30_000);

  it('is gone once both are set', async () => {
    const vars = { FLAREWATCH_WEBHOOK_URL: 'https://hooks.example.com/fw' };
    app.deps.env.publicUrl = 'https://fw.example.com';
    app.deps.notifier = createNotifier(app.db, parseAlertingConfig('alerting.yaml', readFileSync(join(ROOT, 'rules/alerting.yaml'), 'utf8'), vars), { env: app.deps.env, secret: 's' });
    await page.evaluate(() => { document.body.dataset.ready = ''; location.hash = '#/incidents'; });
    await page.waitForFunction(() => document.body.dataset.ready === 'incidents', { timeout: 10_000 });
    await page.evaluate(() => { location.hash = '#/overview'; });
    await ready();
    expect(await page.$('#setup-banner')).toBeNull();
  }, 30_000);
});
