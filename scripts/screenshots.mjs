#!/usr/bin/env node
// Screenshots of the running dashboard for the README and for review: logs in, then captures the
// overview (its time range set to the last hour, so the demo's minutes show as 1-minute buckets;
// FW_SHOT_RANGE=15m, 24h etc. to change, FW_SHOT_RANGE=custom:20 for a custom range of the last 20 minutes) and the top incident at desktop (1440x900) and phone (390x844)
// sizes, in zh-CN (FW_SHOT_LANG=en for English): what fits the screen, and the whole page (-full).
// Usage: node scripts/screenshots.mjs http://127.0.0.1:8080 USER PASSWORD [OUT_DIR]
// (start one with `npm run demo` first; needs Chromium: apt-get install -y chromium fonts-wqy-microhei)
import puppeteer from 'puppeteer';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [base = 'http://127.0.0.1:8080', user = 'demo', pass = 'demo', out = 'docs'] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const lang = process.env.FW_SHOT_LANG === 'en' ? 'en' : 'zh';
const browser = await puppeteer.launch({
  executablePath: process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium',
  // the browser's own locale too, so date inputs read as a reader in that language sees them
  args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', `--lang=${lang === 'en' ? 'en-GB' : 'zh-CN'}`],
  env: { ...process.env, LANG: lang === 'en' ? 'en_GB.UTF-8' : 'zh_CN.UTF-8', LANGUAGE: lang === 'en' ? 'en_GB' : 'zh_CN' },
});
try {
  const page = await browser.newPage();
  await page.goto(base + '/', { waitUntil: 'load' });
  const status = await page.evaluate(async (b, u, p) => (await fetch(b + '/api/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: u, password: p }) })).status, base, user, pass);
  if (status !== 200) throw new Error(`login failed (${status})`);
  const incidents = await page.evaluate(async (b) => (await fetch(b + '/api/v1/incidents')).json(), base);
  const top = (Array.isArray(incidents) ? incidents : incidents.incidents ?? incidents.items ?? [])[0];
  // FW_SHOT_RANGE: a preset (15m, 1h, 6h, 24h, 7d, 30d) or custom:N, a custom range of the last N minutes
  const range = process.env.FW_SHOT_RANGE || '1h';
  const minutes = /^custom:(\d+)$/.exec(range);
  const rangeQuery = minutes
    ? `from=${encodeURIComponent(new Date(Date.now() - Number(minutes[1]) * 60_000).toISOString().slice(0, 16) + 'Z')}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString().slice(0, 16) + 'Z')}`
    : `range=${encodeURIComponent(range)}`;
  const shots = [['overview', `/#/overview?${rangeQuery}`], ...(top ? [['incident', `/#/incident/${encodeURIComponent(top.id)}`]] : [])];
  await page.evaluate((l) => localStorage.setItem('fw.lang', l), lang); // dashboard/src/i18n.ts
  for (const [w, h, tag] of [[1440, 900, 'desktop'], [390, 844, 'phone']]) {
    await page.setViewport({ width: w, height: h, deviceScaleFactor: 1 });
    for (const [name, path] of shots) {
      // a full load each time: a hash-only change would keep the signed-out page, and a reload closes
      // the previous page's live stream (about:blank may keep it open in the back-forward cache)
      await page.evaluate((p) => { document.body.dataset.ready = ''; location.href = p; }, base + path);
      await page.reload({ waitUntil: 'load' }); // (the live stream keeps the network busy)
      await page.waitForFunction((k) => document.body.dataset.ready === k, { timeout: 15_000 }, name).catch(() => {});
      await new Promise((r) => setTimeout(r, 1000));
      const file = join(out, `screenshot-${name}-${tag}${lang === 'en' ? '-en' : ''}.png`);
      await page.screenshot({ path: file, fullPage: false });
      console.log(file);
      const full = file.replace(/\.png$/, '-full.png'); // the whole page, for review of what lies below the fold
      await page.screenshot({ path: full, fullPage: true });
      console.log(full);
    }
  }
} finally {
  await browser.close();
}
