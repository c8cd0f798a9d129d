// Dashboard charts (issue 14 item 5): the pure helpers of dashboard/src/charts.ts and
// pages/incident-chart.ts (KPI changes, bucket labels on the zone clock, share-of-voice percentages,
// the reposts axis that follows the actual series, the early-forecast text), then the overview and
// incident pages in headless Chromium: the range picker re-draws every chart with the bucket the new
// range calls for, the choice stays in the URL, custom ranges are checked, strings follow the
// language, a hostile topic name stays text, nothing overflows a 390 px phone, and the incident page
// names the topic and says when it is too early to forecast instead of drawing a band.
// FW_TEST_SHOTS=DIR also saves screenshots of what it checks.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer';
import { startTestApp, type TestApp } from '../server/fixtures.js';
import { ensureBundle } from './bundle.js';

const CHROME = process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium';
const hasChrome = existsSync(CHROME);
if (!hasChrome) console.warn(`skipping the charts' browser tests: no Chromium at ${CHROME} (apt-get install -y chromium fonts-wqy-microhei)`);
const ROOT = new URL('../../', import.meta.url).pathname;
const SHOTS = process.env.FW_TEST_SHOTS;

// i18n.ts switches language through document.documentElement; a stand-in is enough for the pure helpers
(globalThis as unknown as { document: unknown }).document ??= { documentElement: {} };
const { setLang } = await import('../../dashboard/src/i18n.js');
const charts = await import('../../dashboard/src/charts.js');
const { forecastText, drawableForecast } = await import('../../dashboard/src/pages/incident-chart.js');

describe('chart helpers', () => {
  it('shows KPI changes with ▲/▼, in percentage points for shares', () => {
    setLang('zh');
    expect(charts.kpiChange({ current: 120, previous: 100, change: 20, changeRatio: 0.2 }, 'count')).toEqual({ text: '▲ 20%', trend: 'up' });
    expect(charts.kpiChange({ current: 75, previous: 100, change: -25, changeRatio: -0.25 }, 'count')).toEqual({ text: '▼ 25%', trend: 'down' });
    expect(charts.kpiChange({ current: 350, previous: 100, change: 250, changeRatio: 2.5 }, 'count').text).toBe('▲ 250%');
    expect(charts.kpiChange({ current: 0.42, previous: 0.3, change: 0.12, changeRatio: 0.4 }, 'share')).toEqual({ text: '▲ 12 个百分点', trend: 'up' });
    expect(charts.kpiChange({ current: 3, previous: 0, change: 3, changeRatio: null }, 'count')).toEqual({ text: '▲ 新出现', trend: 'up' });
    expect(charts.kpiChange({ current: 3, previous: 3, change: 0, changeRatio: 0 }, 'count').trend).toBe('flat');
    expect(charts.kpiChange({ current: 0.5, previous: null, change: null, changeRatio: null }, 'share')).toEqual({ text: '上一时段无数据', trend: 'none' });
    setLang('en');
    expect(charts.kpiChange({ current: 0.3, previous: 0.321, change: -0.021, changeRatio: null }, 'share').text).toBe('▼ 2.1 pts');
    expect(charts.kpiChange({ current: 3, previous: 0, change: 3, changeRatio: null }, 'count').text).toBe('▲ new');
    setLang('zh');
  });

  it('labels buckets on the zone clock: minutes, hours with the day, days', () => {
    const SH = 'Asia/Shanghai';
    expect(charts.bucketLabels(['2026-08-22T07:58:00.000Z', '2026-08-22T07:59:00.000Z'], '1m', SH)).toEqual(['15:58', '15:59']);
    // a minute range across midnight in Shanghai carries the day
    expect(charts.bucketLabels(['2026-08-22T15:55:00.000Z', '2026-08-22T16:00:00.000Z'], '5m', SH)).toEqual(['08/22 23:55', '08/23 00:00']);
    expect(charts.bucketLabels(['2026-08-21T16:00:00.000Z'], '1d', SH)).toEqual(['08/22']);
    expect(charts.bucketLabels(['2026-08-22T08:00:00.000Z'], '1h', SH)).toEqual(['08/22 16:00']);
    expect(charts.bucketTitle('2026-08-22T07:55:00.000Z', '5m', SH)).toBe('2026/08/22 15:55–16:00');
    expect(charts.bucketsFor(86_400_000)).toEqual(['5m', '15m', '1h', '1d']); // 1440 minutes are too many
    expect(charts.bucketsFor(3_600_000)).toEqual(['1m', '5m', '15m', '1h']);
  });

  it('share of voice percentages sum to 100 in every bucket with mentions', () => {
    const p = charts.sharePercents({ a: [3, 0, 1], b: [1, 0, 3] }, 3);
    expect(p).toEqual({ a: [75, 0, 25], b: [25, 0, 75] });
    for (let i = 0; i < 3; i++) expect(p.a[i] + p.b[i]).toBe(i === 1 ? 0 : 100);
  });

  it('scales the reposts axis to the actual series when the band would dwarf it', () => {
    expect(charts.repostAxis(3_900, { reposts: 8_300, low: 8_300, high: 10_500 })).toEqual({ max: undefined, clipped: false });
    expect(charts.repostAxis(3_900, { reposts: 900_000, low: 600_000, high: 1_200_000 })).toEqual({ max: 8_000, clipped: true });
    expect(charts.repostAxis(0, { reposts: 10, low: 5, high: 20 })).toEqual({ max: undefined, clipped: false });
    expect(charts.repostAxis(100, null)).toEqual({ max: undefined, clipped: false });
    expect([0.7, 1, 1.2, 2.2, 4.1, 6240, 99_001].map(charts.niceCeil)).toEqual([0.8, 1, 1.2, 2.5, 5, 8_000, 100_000]);
  });

  it('says when it is too early to forecast, and draws no band then', () => {
    const early = { reposts: 8_306, low: 8_306, high: 10_487, early: { reposts: 3_937, minutes: 2 } };
    setLang('zh');
    expect(forecastText(early)).toBe('尚早，暂不预测（2 分钟内转发 3,937）');
    expect(forecastText({ reposts: 12_000, low: 8_000, high: 20_000 })).toBe('12,000 (8,000–20,000)');
    setLang('en');
    expect(forecastText(early)).toBe('too early to forecast (3,937 reposts in 2 min)');
    setLang('zh');
    expect(drawableForecast(early)).toBeNull();
    expect(drawableForecast({ reposts: 1, low: 1, high: 2 })).not.toBeNull();
  });

  it('the pages build DOM without innerHTML', () => {
    for (const f of ['dashboard/src/charts.ts', 'dashboard/src/pages/overview.ts', 'dashboard/src/pages/incident-chart.ts']) {
      expect(readFileSync(join(ROOT, f), 'utf8'), f).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    }
  });
});

const EVIL = '<img src=x onerror=window.__xss=1>竞品';

describe.skipIf(!hasChrome)('overview and incident charts in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    await ensureBundle();
    app = await startTestApp();
    // a competitor topic whose name carries markup, with mentions for share of voice
    app.db.prepare('INSERT INTO topics (id, name, query, enabled) VALUES (?, ?, ?, 1)').run('rival', EVIL, 'rival');
    app.db.prepare("INSERT INTO topic_matches (topic_id, post_pk, matched_at) SELECT 'rival', pk, first_seen_at FROM posts WHERE pk % 3 = 0").run();
    const { default: puppeteer } = await import('puppeteer');
    browser = await puppeteer.launch({ executablePath: CHROME, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage'] });
    page = await browser.newPage();
    await page.setViewport({ width: 1440, height: 900 });
    page.on('pageerror', (e) => errors.push((e as Error).message));
    await page.evaluateOnNewDocument(() => { (window as unknown as { __xss: number }).__xss = 0; });
    await page.goto(`${app.url}/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#login-user');
    await page.type('#login-user', 'viewer');
    await page.type('#login-pass', 'viewer-pass');
    await page.click('#login-submit');
    await ready('overview');
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  }, 60_000);

  afterAll(async () => { await browser?.close(); await app?.close(); });

  const ready = (key: string) => page.waitForFunction((k) => document.body.dataset.ready === k, { timeout: 10_000 }, key)
    .catch(async (e: Error) => { throw new Error(`${key} not ready: ${e.message}; page errors: ${errors.join('; ')}; ready=${await page.evaluate(() => document.body.dataset.ready)}; ${await page.evaluate(() => document.querySelector('main')?.textContent?.slice(0, 200))}`); });
  const chart = (id: string) => page.$eval(id, (c) => ({ bucket: (c as HTMLElement).dataset.bucket, buckets: Number((c as HTMLElement).dataset.buckets), drawn: (c as HTMLElement).dataset.drawn }));
  const waitBucket = (b: string) => page.waitForFunction((x) => (document.querySelector('#volume-chart') as HTMLElement | null)?.dataset.bucket === x, { timeout: 10_000 }, b);
  const shot = async (name: string, selector?: string) => {
    if (!SHOTS) return;
    const el = selector ? await page.$(selector) : null;
    if (el) await el.screenshot({ path: join(SHOTS, `${name}.png`) });
    else await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  /** A fresh load of the page at `hash` (a reload closes the old page's live stream; about:blank may keep it in the back-forward cache). */
  const open = async (hash: string, key: string) => {
    await page.evaluate((hh) => { document.body.dataset.ready = ''; location.hash = hh; }, hash);
    await page.reload({ waitUntil: 'domcontentloaded' });
    await ready(key);
  };

  it('shows the range picker and the KPI tiles; 24 h by 15 minutes by default', async () => {
    expect(await page.$$eval('#range-picker [data-range]', (b) => b.map((x) => x.textContent))).toEqual(['近 15 分钟', '近 1 小时', '近 6 小时', '近 24 小时', '近 7 天', '近 30 天', '自定义']);
    expect(await page.$eval('#range-picker .seg.active', (b) => (b as HTMLElement).dataset.range)).toBe('24h');
    for (const id of ['#risk-chart', '#volume-chart', '#sentiment-chart', '#sov-chart']) {
      const c = await chart(id);
      expect(c.drawn, id).toBe('1');
      expect(c.bucket, id).toBe('15m');
      expect([96, 97]).toContain(c.buckets);
    }
    expect(await page.$$eval('#kpis .kpi-label', (e) => e.map((x) => x.textContent))).toEqual(['帖子数', '负面占比', '新增事件', 'P1/P2 告警']);
    // the seeded incidents opened 36 h ago: none now, three the day before
    expect(await page.$eval('#kpi-incidents', (e) => [e.querySelector('.kpi-value')?.textContent, e.querySelector('.kpi-change')?.textContent, e.getAttribute('data-trend')])).toEqual(['0', '▼ 100%', 'down']);
    expect(await page.$eval('#range-info', (e) => e.textContent)).toMatch(/每格 15 分钟 · 北京时间/);
    await shot('overview-24h');
  }, 30_000);

  it('re-draws every chart with the bucket of the new range, and keeps the range in the URL', async () => {
    await page.click('[data-range="1h"]');
    await waitBucket('1m');
    for (const id of ['#risk-chart', '#volume-chart', '#sentiment-chart', '#sov-chart']) {
      const c = await chart(id);
      expect(c.bucket, id).toBe('1m');
      expect([60, 61]).toContain(c.buckets);
    }
    expect(await page.evaluate(() => location.hash)).toBe('#/overview?range=1h');
    expect(await page.$eval('#range-picker .seg.active', (b) => (b as HTMLElement).dataset.range)).toBe('1h');
    await page.click('[data-range="7d"]');
    await waitBucket('1h');
    expect([168, 169]).toContain((await chart('#sentiment-chart')).buckets);
    // the risk trend is a line now, not a dot: many painted pixels
    const painted = await page.$eval('#risk-chart', (c) => {
      const cv = c as HTMLCanvasElement;
      const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(3000);
    await page.click('[data-range="30d"]');
    await waitBucket('1d');
    // a chosen interval sticks where the range allows it
    await page.click('[data-range="24h"]');
    await waitBucket('15m');
    await page.select('#bucket-select', '1h');
    await waitBucket('1h');
    expect((await chart('#sov-chart')).buckets).toBeGreaterThanOrEqual(24);
    expect(await page.evaluate(() => location.hash)).toBe('#/overview?range=24h&bucket=1h');
    // a reload keeps the choice
    await open('#/overview?range=24h&bucket=1h', 'overview');
    expect(await page.$eval('#bucket-select', (s) => (s as HTMLSelectElement).value)).toBe('1h');
    expect((await chart('#volume-chart')).bucket).toBe('1h');
    await shot('overview-24h-hourly');
  }, 40_000);

  it('checks a custom range, then draws it', async () => {
    await page.click('[data-range="custom"]');
    expect(await page.$eval('#range-custom', (e) => (e as HTMLElement).hidden)).toBe(false);
    const set = (sel: string, v: string) => page.$eval(sel, (e, val) => { (e as HTMLInputElement).value = val as string; }, v);
    await set('#range-from', '2026-08-22T12:00');
    await set('#range-to', '2026-08-22T10:00');
    await page.click('#range-apply');
    expect(await page.$eval('#range-error', (e) => e.textContent)).toBe('开始时间须早于结束时间');
    await set('#range-from', '2020-01-01T00:00');
    await page.click('#range-apply');
    expect(await page.$eval('#range-error', (e) => e.textContent)).toBe('时间范围太长（最多约 500 天）');
    await set('#range-from', '2026-08-21T16:00');
    await set('#range-to', '2026-08-22T16:00');
    await page.click('#range-apply');
    await page.waitForFunction(() => location.hash.includes('from='), { timeout: 10_000 });
    expect(await page.evaluate(() => decodeURIComponent(location.hash))).toBe('#/overview?from=2026-08-21T16:00&to=2026-08-22T16:00&bucket=1h');
    expect(await page.$eval('#range-picker .seg.active', (b) => (b as HTMLElement).dataset.range)).toBe('custom');
    expect(await page.$eval('#range-info', (e) => e.textContent)).toMatch(/^08\/21 16:00 – 08\/22 16:00/);
  }, 30_000);

  it('compares watched topics; a hostile topic name stays text', async () => {
    await open('#/overview?range=24h', 'overview');
    const rows = await page.$$eval('#sov-totals tbody tr', (tr) => tr.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows.map((r) => r[0])).toEqual(['星河乳业', EVIL]);
    const shares = rows.map((r) => Number(String(r[2]).replace('%', '')));
    expect(shares[0] + shares[1]).toBeCloseTo(100, 0);
    expect(await page.$('#sov-hint')).toBeNull(); // two topics: no hint to add competitors
    expect(await page.$$eval('img', (e) => e.length)).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss: number }).__xss)).toBe(0);
  }, 30_000);

  it('fits a 390 px phone without sideways scrolling of the page', async () => {
    await page.setViewport({ width: 390, height: 844 });
    await open('#/overview?range=6h', 'overview');
    expect((await chart('#volume-chart')).bucket).toBe('5m');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // the picker's buttons sit inside the screen
    const boxes = await page.$$eval('#range-picker [data-range]', (b) => b.map((x) => x.getBoundingClientRect().right));
    expect(Math.max(...boxes)).toBeLessThanOrEqual(390);
    await shot('overview-phone');
    await page.setViewport({ width: 1440, height: 900 });
  }, 30_000);

  it('follows the language', async () => {
    await page.evaluate(() => localStorage.setItem('fw.lang', 'en'));
    await open('#/overview?range=1h', 'overview');
    expect(await page.$$eval('#range-picker [data-range]', (b) => b.map((x) => x.textContent))).toEqual(['Last 15 min', 'Last 1 h', 'Last 6 h', 'Last 24 h', 'Last 7 d', 'Last 30 d', 'Custom']);
    expect(await page.$$eval('#kpis .kpi-label', (e) => e.map((x) => x.textContent))).toEqual(['Posts', 'Negative share', 'New incidents', 'P1/P2 alerts']);
    expect(await page.$eval('#range-info', (e) => e.textContent)).toMatch(/per bar 1 min · Beijing time/);
    await page.evaluate(() => localStorage.setItem('fw.lang', 'zh'));
  }, 30_000);

  it('names the topic on the incident page and draws the forecast band', async () => {
    await open('#/incident/inc-1', 'incident');
    expect(await page.$eval('#incident-topic', (e) => e.textContent)).toBe('星河乳业');
    expect(await page.$eval('#incident-forecast', (e) => e.textContent)).toBe('12,000 (8,000–20,000)');
    expect(await page.$eval('#incident-chart', (c) => [(c as HTMLElement).dataset.drawn, (c as HTMLElement).dataset.bucket, (c as HTMLElement).dataset.forecast])).toEqual(['1', '1h', 'drawn']);
    await shot('incident-forecast', 'section[aria-label] .chart-box');
    // a band that would dwarf the reposts so far is clipped and labelled
    app.db.prepare("UPDATE incidents SET forecast = ?, updated_at = '2026-08-22T07:59:00.000Z' WHERE id = 'inc-1'").run(JSON.stringify({ reposts: 900_000, low: 600_000, high: 1_200_000 }));
    await open('#/incident/inc-1', 'incident');
    expect(await page.$eval('#incident-chart', (c) => (c as HTMLElement).dataset.forecast)).toBe('clipped');
    await shot('incident-forecast-clipped', 'section[aria-label] .chart-box');
  }, 30_000);

  it('says it is too early to forecast, and draws no band', async () => {
    app.db.prepare("UPDATE incidents SET forecast = ?, updated_at = '2026-08-22T07:59:30.000Z' WHERE id = 'inc-1'")
      .run(JSON.stringify({ reposts: 8306, low: 8306, high: 10487, early: { reposts: 3937, minutes: 2 } }));
    await open('#/incident/inc-1', 'incident');
    expect(await page.$eval('#incident-forecast', (e) => e.textContent)).toBe('尚早，暂不预测（2 分钟内转发 3,937）');
    expect(await page.$eval('#incident-chart', (c) => (c as HTMLElement).dataset.forecast)).toBe('none');
    await page.evaluate(() => localStorage.setItem('fw.lang', 'en'));
    await open('#/incident/inc-1', 'incident');
    expect(await page.$eval('#incident-forecast', (e) => e.textContent)).toBe('too early to forecast (3,937 reposts in 2 min)');
    await page.evaluate(() => localStorage.setItem('fw.lang', 'zh'));
    await shot('incident-early-en', 'section[aria-label] .chart-box');
    expect(errors).toEqual([]);
  }, 30_000);
});
