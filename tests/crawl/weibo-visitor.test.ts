// Weibo sessions without configured cookies: a visitor cookie is fetched (once, shared) and sent;
// the visitor flow itself runs in real Chromium against a local stand-in of Weibo's redirect dance.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { openDb } from '../../src/db/connection.js';
import { readEnv } from '../../src/config/env.js';
import { startCrawlScheduler } from '../../src/crawl/scheduler.js';
import { createDbSink } from '../../src/crawl/db-sink.js';
import { sourceConfig } from '../../src/crawl/sources-config.js';
import { fetchWeiboVisitorCookie } from '../../src/crawl/weibo-visitor.js';

const CHROMIUM = process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium';
const card = { card_type: 9, mblog: { id: '5000000000000001', created_at: 'Sat Jun 15 11:44:46 +0800 2019', text: '测试微博', reposts_count: 3, comments_count: 1, attitudes_count: 2, user: { id: 1, screen_name: 'u', followers_count: 10, verified: false } } };

let server: Server;
let base = '';
const cookiesSeen: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    const u = new URL(req.url!, 'http://x');
    if (u.pathname === '/robots.txt') { res.writeHead(200); res.end('User-agent: *\nAllow: /\n'); return; }
    if (u.pathname === '/') { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html><body><script>location.href="/visitor/genvisitor?cb=1"</script></body></html>'); return; }
    if (u.pathname === '/visitor/genvisitor') { res.writeHead(302, { 'set-cookie': ['SUB=_2AkMvisitor; Path=/; HttpOnly', 'SUBP=0033WrSX; Path=/'], location: '/home' }); res.end(); return; }
    if (u.pathname === '/home') { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html><body>ok</body></html>'); return; }
    if (u.pathname === '/api/container/getIndex') {
      cookiesSeen.push(req.headers.cookie ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.headers.cookie?.includes('SUB=') ? { ok: 1, data: { cards: [card] } } : { ok: -100, url: 'https://passport.weibo.cn/signin/welcome' }));
      return;
    }
    res.writeHead(404); res.end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server.close());

describe('Weibo visitor cookie', () => {
  it('a Weibo source with no cookies configured uses the visitor cookie, fetched once', async () => {
    const db = openDb(':memory:');
    let fetched = 0;
    const sink = createDbSink(db, () => undefined);
    const url = `${base}/api/container/getIndex?containerid=1076031669879400`;
    const sched = startCrawlScheduler({
      sources: [sourceConfig({ id: 'wb1', adapter: 'weibo', url, minIntervalMs: 0, maxPages: 1 }), sourceConfig({ id: 'wb2', adapter: 'weibo', url, minIntervalMs: 0, maxPages: 1 })],
      sink, env: { ...readEnv({}), weiboCookies: null }, manual: true, visitorCookie: async () => { fetched++; return 'SUB=_2AkMvisitor; SUBP=0033WrSX'; },
    });
    const r1 = await sched.runNow('wb1');
    const r2 = await sched.runNow('wb2');
    await sched.stop();
    expect(r1.items).toBeGreaterThan(0);
    expect(r2.items).toBeGreaterThan(0);
    expect(fetched).toBe(1);
    expect(cookiesSeen.every((c) => c.includes('SUB=_2AkMvisitor'))).toBe(true);
  });

  it.skipIf(!existsSync(CHROMIUM))('runs the visitor flow in Chromium and returns the cookies it set', async () => {
    const header = await fetchWeiboVisitorCookie({ executablePath: CHROMIUM, startUrl: `${base}/`, timeoutMs: 20_000 });
    expect(header).toContain('SUB=_2AkMvisitor');
    expect(header).toContain('SUBP=0033WrSX');
  }, 40_000);
});
if (!existsSync(CHROMIUM)) console.warn(`skipping the Chromium visitor-flow test: no browser at ${CHROMIUM} (apt-get install -y chromium)`);
