#!/usr/bin/env node
// Screenshots of the running dashboard for the README and for review: logs in, then captures the
// overview and the top incident at desktop (1440x900) and phone (390x844) sizes, in zh-CN.
// Usage: node scripts/screenshots.mjs http://127.0.0.1:8080 USER PASSWORD [OUT_DIR]
// (start one with `npm run demo` first; needs Chromium: apt-get install -y chromium fonts-wqy-microhei)
import puppeteer from 'puppeteer';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [base = 'http://127.0.0.1:8080', user = 'demo', pass = 'demo', out = 'docs'] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const browser = await puppeteer.launch({
  executablePath: process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  await page.goto(base + '/', { waitUntil: 'load' });
  const status = await page.evaluate(async (b, u, p) => (await fetch(b + '/api/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: u, password: p }) })).status, base, user, pass);
  if (status !== 200) throw new Error(`login failed (${status})`);
  const incidents = await page.evaluate(async (b) => (await fetch(b + '/api/v1/incidents')).json(), base);
  const top = (Array.isArray(incidents) ? incidents : incidents.incidents ?? incidents.items ?? [])[0];
  const shots = [['overview', '/'], ...(top ? [['incident', `/#/incident/${encodeURIComponent(top.id)}`]] : [])];
  for (const [w, h, tag] of [[1440, 900, 'desktop'], [390, 844, 'phone']]) {
    await page.setViewport({ width: w, height: h, deviceScaleFactor: 1 });
    for (const [name, path] of shots) {
      await page.goto(base + path, { waitUntil: 'load' }); // (the live stream keeps the network busy)
      await new Promise((r) => setTimeout(r, 2500));
      const file = join(out, `screenshot-${name}-${tag}.png`);
      await page.screenshot({ path: file, fullPage: false });
      console.log(file);
    }
  }
} finally {
  await browser.close();
}
