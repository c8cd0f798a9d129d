// A Weibo visitor cookie (SUB/SUBP) for crawling m.weibo.cn without an account: system Chromium
// opens the site once, Weibo's visitor system (passport.weibo.com/visitor) sets the cookies, and
// they are returned as one Cookie header. Used when neither WEIBO_COOKIES nor a source's
// cookiesEnv provides cookies; fetched again when the session is blocked.
import { existsSync } from 'node:fs';

export class BrowserMissingError extends Error {
  override name = 'BrowserMissingError';
}

export interface VisitorOptions {
  executablePath?: string | null;
  /** the page that triggers the visitor flow (default https://m.weibo.cn/) */
  startUrl?: string;
  timeoutMs?: number;
  /** cookie names that mean a visitor session exists */
  required?: string[];
}

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

export async function fetchWeiboVisitorCookie(o: VisitorOptions = {}): Promise<string | null> {
  const executablePath = o.executablePath || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new BrowserMissingError(`no browser at ${executablePath} for the Weibo visitor cookie: install one (apt-get install -y chromium fonts-wqy-microhei) or set PUPPETEER_EXECUTABLE_PATH, or provide WEIBO_COOKIES`);
  }
  const { default: puppeteer } = await import('puppeteer');
  const browser = await puppeteer.launch({ executablePath, headless: true, args: ARGS });
  try {
    const page = await browser.newPage();
    const start = o.startUrl ?? 'https://m.weibo.cn/';
    const required = o.required ?? ['SUB'];
    const deadline = Date.now() + (o.timeoutMs ?? 30_000);
    await page.goto(start, { waitUntil: 'domcontentloaded', timeout: o.timeoutMs ?? 30_000 }).catch(() => undefined);
    const origin = new URL(start).origin;
    // the visitor flow redirects through passport.weibo.com and back; wait for its cookies
    while (Date.now() < deadline) {
      const client = await page.createCDPSession();
      const { cookies } = await client.send('Network.getAllCookies') as { cookies: { name: string; value: string; domain: string }[] };
      await client.detach();
      const host = new URL(origin).hostname;
      const mine = cookies.filter((c) => host.endsWith(c.domain.replace(/^\./, '')) || c.domain.replace(/^\./, '').endsWith('weibo.cn') || c.domain.replace(/^\./, '').endsWith('weibo.com'));
      if (required.every((n) => mine.some((c) => c.name === n))) {
        return [...new Map(mine.map((c) => [c.name, c.value])).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    return null;
  } finally {
    await browser.close().catch(() => undefined);
  }
}
