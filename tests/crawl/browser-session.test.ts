// Logged-in browser sessions (src/crawl/browser-session.ts) in real Chromium against a local
// stand-in of Xiaohongshu: a search page on 127.0.0.1 whose own script POSTs to a stand-in
// /api/sns/web/v1/search/notes (answering a real-shaped body, tests/fixtures/xhs, GUESSED content),
// and note pages whose scripts call /feed and /comment/page. The adapter reads what the page
// fetched; cookies and localStorage are saved per account and restored on the next run; a captcha
// page pauses the account (no further page loads) and reaches the desk as a blocked source.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserRenderer } from '../../src/crawl/browser-renderer.js';
import { HttpPageFetcher } from '../../src/crawl/page-fetcher.js';
import { HostLimiter } from '../../src/crawl/host-limiter.js';
import { crawlOnce } from '../../src/crawl/crawl-once.js';
import { getAdapter } from '../../src/crawl/registry.js';
import { SessionStore, SessionChallengeError } from '../../src/crawl/browser-session.js';
import { applyOutcome, initialStatus } from '../../src/crawl/source-health.js';
import { CookieJar } from '../../src/crawl/cookie-jar.js';
import { rmSync } from 'node:fs';
import { openDb } from '../../src/db/connection.js';
import { readEnv } from '../../src/config/env.js';
import { startCrawlScheduler } from '../../src/crawl/scheduler.js';
import { createDbSink } from '../../src/crawl/db-sink.js';
import { sourceConfig } from '../../src/crawl/sources-config.js';
import { DEFAULT_SESSION_DIR } from '../../src/crawl/browser-renderer.js';
import { FIXTURES } from '../crawlers/serve-fixtures.js';

const CHROMIUM = process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`skipping: no Chromium at ${CHROMIUM}`);
const NOW = new Date('2024-08-06T04:00:00Z');

let server: Server;
let base = '';
const hits: string[] = [];
const apiCookies: string[] = [];
const apiBodies: Record<string, unknown>[] = [];
let pageCookies: string[] = [];

const html = (script: string) => `<!doctype html><html><head><meta charset="utf-8"></head><body><div id="app">loading</div><script>${script}</script></body></html>`;
const SEARCH_PAGE = html(`
  const n = Number(localStorage.getItem('visits') || 0) + 1;
  localStorage.setItem('visits', String(n));
  const keyword = new URLSearchParams(location.search).get('keyword');
  fetch('/api/sns/web/v1/search/notes', { method: 'POST', headers: { 'content-type': 'application/json;charset=UTF-8', 'x-s': 'signed-by-the-page' },
    body: JSON.stringify({ keyword, page: 1, page_size: 20, search_id: 'x', sort: 'general', note_type: 0, visits: n }) })
    .then((r) => r.json()).then((j) => { document.getElementById('app').textContent = j.data.items.length + ' notes'; });`);
const NOTE_PAGE = html(`
  const id = location.pathname.split('/').pop();
  Promise.all([
    fetch('/api/sns/web/v1/feed', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source_note_id: id, image_formats: ['jpg'] }) }),
    fetch('/api/sns/web/v2/comment/page?note_id=' + id + '&cursor=&top_comment_id=&image_formats=jpg,webp,avif'),
  ]).then(() => { document.getElementById('app').textContent = 'note'; });`);

beforeAll(async () => {
  server = createServer((req, res) => {
    const u = new URL(req.url!, 'http://x');
    hits.push(`${req.method} ${u.pathname}${u.search}`);
    const json = (file: string) => { res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }); res.end(readFileSync(FIXTURES + 'xhs/' + file)); };
    if (u.pathname === '/robots.txt') { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('User-agent: *\nAllow: /\n'); return; }
    if (u.pathname === '/search_result') {
      pageCookies.push(req.headers.cookie ?? '');
      if (u.searchParams.get('keyword') === 'captcha') { res.writeHead(302, { location: '/website-login/captcha?redirectPath=x&verifyUuid=guessed&verifyType=102' }); res.end(); return; }
      const headers: Record<string, string | string[]> = { 'content-type': 'text/html; charset=utf-8' };
      if (!req.headers.cookie?.includes('web_session=')) headers['set-cookie'] = ['web_session=stand-in-session-1; Path=/; HttpOnly; Max-Age=86400'];
      res.writeHead(200, headers); res.end(SEARCH_PAGE); return;
    }
    if (u.pathname === '/website-login/captcha') { res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }); res.end(html("document.getElementById('app').textContent = '请完成安全验证';")); return; }
    if (u.pathname.startsWith('/explore/')) { res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }); res.end(NOTE_PAGE); return; }
    if (u.pathname === '/api/sns/web/v1/search/notes' && req.method === 'POST') {
      apiCookies.push(req.headers.cookie ?? '');
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => { apiBodies.push(JSON.parse(body)); json('search-notes.json'); });
      return;
    }
    if (u.pathname === '/api/sns/web/v1/feed' && req.method === 'POST') { req.resume(); json('feed.json'); return; }
    if (u.pathname === '/api/sns/web/v2/comment/page') { json('comment-page.json'); return; }
    res.writeHead(404); res.end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server.close());

async function run(renderer: BrowserRenderer, url: string, params: Record<string, string> = {}, maxPages = 3, jar?: CookieJar) {
  const fetcher = new HttpPageFetcher({ limiter: new HostLimiter({ minIntervalMs: 0 }), maxRetries: 0, renderer, jar });
  return crawlOnce({ adapter: await getAdapter('xhs'), url, params, maxPages, now: NOW, fetcher });
}

describe.skipIf(!hasChromium)('xhs through a logged-in browser session (local stand-in)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fw-sessions-'));
  const store = new SessionStore(dir);

  it('reads the search API answer the page fetched itself, then the top note page (note in full, comments)', async () => {
    const renderer = new BrowserRenderer({ executablePath: CHROMIUM, sessions: store, timeoutMs: 20_000 });
    try {
      const r = await run(renderer, `${base}/search_result?keyword=${encodeURIComponent('星河乳业')}&source=web_search_result_notes`, { comments: '1', account: 'desk1' });
      expect(r.errors.map((e) => e.error.message)).toEqual([]);
      expect(apiBodies[0]).toMatchObject({ keyword: '星河乳业', visits: 1 });
      const posts = r.observations.filter((o) => o.kind === 'post');
      expect(posts.map((o) => o.id)).toEqual(['6700a1b2000000001b00c0d1', '6700a1b2000000001b00c0d3']); // the untitled video waits for its note page
      const note = posts[0];
      expect(note).toMatchObject({
        source: 'xhs', title: 'GUESSED 星河乳业酸奶喝出异物，客服只给退一盒', author: { id: '5f00000000000000010000a1', name: 'GUESSED小鹿' },
        publishedAt: '2024-08-06T00:00:00.000Z', metrics: { likes: 12000, comments: 860, reposts: 412 }, extra: { collects: 2301, location: '浙江' },
      });
      expect(note.text).toContain('喝到一半发现黑色异物');
      expect(note.url).toBe('https://www.xiaohongshu.com/explore/6700a1b2000000001b00c0d1?xsec_token=ABguessedToken1%3D&xsec_source=pc_search');
      const comments = r.observations.filter((o) => o.kind === 'comment');
      expect(comments.map((o) => [o.id, o.parentId, o.extra?.replyTo ?? null])).toEqual([
        ['6700c0de000000000c0000c1', '6700a1b2000000001b00c0d1', null],
        ['6700c0de000000000c0000d1', '6700a1b2000000001b00c0d1', '6700c0de000000000c0000c1'],
        ['6700c0de000000000c0000c2', '6700a1b2000000001b00c0d1', null],
      ]);
      expect(comments[0]).toMatchObject({ metrics: { likes: 230, comments: 2 }, extra: { location: '上海' }, publishedAt: '2024-08-06T01:00:00.000Z' });
      expect(hits.some((h) => h.startsWith('GET /explore/6700a1b2000000001b00c0d1?xsec_token='))).toBe(true);
      const saved = JSON.parse(readFileSync(store.file('xhs', 'desk1'), 'utf8'));
      expect(saved.cookies.some((c: { name: string; value: string }) => c.name === 'web_session' && c.value === 'stand-in-session-1')).toBe(true);
      expect(saved.localStorage[base]).toMatchObject({ visits: '1' });
      expect(saved.challenge).toBeNull();
    } finally {
      await renderer.close();
    }
  }, 90_000);

  it('the saved session (cookies, localStorage) is restored on the next run of the same account', async () => {
    const renderer = new BrowserRenderer({ executablePath: CHROMIUM, sessions: store, timeoutMs: 20_000 });
    pageCookies = [];
    try {
      const r = await run(renderer, `${base}/search_result?keyword=x`, { comments: '0', account: 'desk1' }, 1);
      expect(r.errors).toEqual([]);
      expect(pageCookies[0]).toContain('web_session=stand-in-session-1');
      expect(apiCookies.at(-1)).toContain('web_session=stand-in-session-1');
      expect(apiBodies.at(-1)).toMatchObject({ visits: 2 });
      // another account starts from nothing
      await run(renderer, `${base}/search_result?keyword=x`, { comments: '0', account: 'desk2' }, 1);
      expect(pageCookies.at(-1)).toBe('');
      expect(apiBodies.at(-1)).toMatchObject({ visits: 1 });
    } finally {
      await renderer.close();
    }
  }, 90_000);

  it('a captcha page pauses the account: a blocked run, the flag saved, no page opened again until a person clears it; the desk gets a blocked health event', async () => {
    const renderer = new BrowserRenderer({ executablePath: CHROMIUM, sessions: store, timeoutMs: 20_000 });
    try {
      const r = await run(renderer, `${base}/search_result?keyword=captcha`, { account: 'desk3' }, 1);
      expect(r.blocked).toBeInstanceOf(SessionChallengeError);
      expect((r.blocked as SessionChallengeError).kind).toBe('captcha');
      expect(r.blocked?.message).toMatch(/captcha appeared for account 'desk3'.*paused until a person solves it/);
      expect(store.load('xhs', 'desk3').challenge).toMatchObject({ kind: 'captcha' });
      const before = hits.length;
      const again = await run(renderer, `${base}/search_result?keyword=anything`, { account: 'desk3' }, 1);
      expect(again.blocked).toBeInstanceOf(SessionChallengeError);
      expect(hits.slice(before).filter((h) => !h.includes('robots.txt'))).toEqual([]); // the site was not touched
      // the runner's outcome reaches source health as 'blocked' with the reason (what alerting routes to the desk)
      const { status, events } = applyOutcome(initialStatus({ id: 'xhs-watch', adapter: 'xhs', url: base, enabled: true, schedule: '*/10 * * * *' }), { outcome: 'blocked', items: 0, errors: [again.blocked!.message] }, NOW);
      expect(status).toMatchObject({ blocked: true, healthy: false });
      expect(events[0]).toMatchObject({ kind: 'blocked' });
      expect(events[0].message).toMatch(/captcha/);
      // a person solved it: the account runs again
      store.clearChallenge('xhs', 'desk3');
      const ok = await run(renderer, `${base}/search_result?keyword=x`, { comments: '0', account: 'desk3' }, 1);
      expect(ok.blocked).toBeNull();
      expect(ok.observations.length).toBeGreaterThan(0);
    } finally {
      await renderer.close();
    }
  }, 90_000);

  it('the source\'s configured cookies (cookiesEnv) start a session and are kept in its file', async () => {
    const renderer = new BrowserRenderer({ executablePath: CHROMIUM, sessions: store, timeoutMs: 20_000 });
    try {
      const jar = CookieJar.fromHeader('web_session=from-env-login; a1=device-1', '127.0.0.1');
      const r = await run(renderer, `${base}/search_result?keyword=x`, { comments: '0', account: 'desk4' }, 1, jar);
      expect(r.errors).toEqual([]);
      expect(pageCookies.at(-1)).toContain('web_session=from-env-login');
      expect(apiCookies.at(-1)).toContain('a1=device-1');
      const saved = store.load('xhs', 'desk4');
      expect(saved.cookies.map((c) => `${c.name}=${c.value}`).sort()).toEqual(['a1=device-1', 'web_session=from-env-login']);
    } finally {
      await renderer.close();
    }
  }, 90_000);

  it('through the scheduler: the source gets a browser, a captcha makes it blocked with the reason and a blocked health event (the desk\'s alert path)', async () => {
    const account = `e2e-${process.pid}`;
    const file = new SessionStore(DEFAULT_SESSION_DIR).file('xhs', account);
    const db = openDb(':memory:');
    const sink = createDbSink(db, () => undefined);
    const events: { kind: string; message?: string }[] = [];
    const health = sink.health.bind(sink);
    sink.health = (ev) => { events.push(ev); health(ev); };
    const sched = startCrawlScheduler({
      sources: [sourceConfig({ id: 'xhs-desk', adapter: 'xhs', url: `${base}/search_result?keyword=captcha`, params: { account }, minIntervalMs: 0, maxPages: 1 })],
      sink, env: { ...readEnv({}), puppeteerExecutablePath: CHROMIUM }, manual: true,
    });
    try {
      const r = await sched.runNow('xhs-desk');
      expect(r.outcome).toBe('blocked');
      expect(r.errors[0]).toMatch(/captcha appeared for account/);
      const st = sched.status().find((x) => x.id === 'xhs-desk')!;
      expect(st).toMatchObject({ blocked: true, healthy: false, state: 'blocked' });
      expect(events.find((e) => e.kind === 'blocked')?.message).toMatch(/paused until a person solves it/);
    } finally {
      await sched.stop();
      rmSync(file, { force: true });
    }
  }, 90_000);
});
