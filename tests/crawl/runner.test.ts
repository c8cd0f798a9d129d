// The network side: timeouts, retries only on timeouts/408/429/5xx with Retry-After honoured,
// size limit and gzip bomb refused, redirect loops stopped, lying charsets decoded, robots.txt.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { fetchUrl } from '../../src/crawl/http-fetch.js';
import { decodeBody } from '../../src/crawl/charset.js';
import { parseRobots } from '../../src/crawl/robots.js';
import { HttpPageFetcher } from '../../src/crawl/page-fetcher.js';
import { HostLimiter } from '../../src/crawl/host-limiter.js';
import { HttpStatusError, NetworkError, RedirectLoopError, ResponseTooLargeError, RobotsDisallowedError, failureAction, BlockedError, ParseError } from '../../src/crawl/errors.js';
import { getAdapter } from '../../src/crawl/registry.js';
import { backoffDelay } from '../../src/crawl/backoff.js';

const counts = new Map<string, number>();
let server: Server;
let base = '';
const bump = (k: string) => { counts.set(k, (counts.get(k) ?? 0) + 1); return counts.get(k)!; };
const zh = '星河乳业回应：产品质量问题正在调查，消费者可申请退款。';

beforeAll(async () => {
  server = createServer((req, res: ServerResponse) => {
    const p = new URL(req.url!, 'http://x').pathname;
    const n = bump(p);
    switch (p) {
      case '/robots.txt': res.writeHead(200); res.end('User-agent: *\nDisallow: /private\nAllow: /private/ok\n'); return;
      case '/hang': return; // never answers
      case '/slow-body': res.writeHead(200); res.write('a'); return;
      case '/flaky': if (n < 3) { res.writeHead(503); res.end(); } else { res.writeHead(200); res.end('<rss><channel><item><title>ok</title></item></channel></rss>'); } return;
      case '/429': if (n < 2) { res.writeHead(429, { 'retry-after': '1' }); res.end(); } else { res.writeHead(200); res.end('<rss><channel><item><title>late</title></item></channel></rss>'); } return;
      case '/404': res.writeHead(404); res.end(); return;
      case '/big': res.writeHead(200); res.end(Buffer.alloc(300_000, 97)); return;
      case '/bomb': res.writeHead(200, { 'content-encoding': 'gzip' }); res.end(gzipSync(Buffer.alloc(50_000_000))); return;
      case '/gzip-ok': res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain; charset=utf-8' }); res.end(gzipSync(Buffer.from(zh))); return;
      case '/loop-a': res.writeHead(302, { location: '/loop-b' }); res.end(); return;
      case '/loop-b': res.writeHead(302, { location: '/loop-a' }); res.end(); return;
      case '/gbk-lie': res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }); res.end(iconv.encode(`<html><body>${zh}</body></html>`, 'gbk')); return;
      case '/private/x': res.writeHead(200); res.end('secret'); return;
      case '/private/ok': res.writeHead(200); res.end('<rss><channel><item><title>allowed</title></item></channel></rss>'); return;
      default: res.writeHead(404); res.end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => { server.closeAllConnections(); server.close(); });

describe('fetchUrl guards', () => {
  it('times out a server that never answers', async () => {
    const t = Date.now();
    await expect(fetchUrl(`${base}/hang`, { responseTimeoutMs: 300 })).rejects.toBeInstanceOf(NetworkError);
    expect(Date.now() - t).toBeLessThan(2000);
  });
  it('times out a body that never ends (total timeout)', async () => {
    await expect(fetchUrl(`${base}/slow-body`, { totalTimeoutMs: 400 })).rejects.toMatchObject({ name: 'NetworkError', phase: 'total' });
  });
  it('refuses bodies over the size limit and gzip bombs', async () => {
    await expect(fetchUrl(`${base}/big`, { maxBytes: 100_000 })).rejects.toBeInstanceOf(ResponseTooLargeError);
    await expect(fetchUrl(`${base}/bomb`, { maxBytes: 1_000_000 })).rejects.toBeInstanceOf(ResponseTooLargeError);
    expect((await fetchUrl(`${base}/gzip-ok`)).body.toString('utf8')).toBe(zh);
  });
  it('stops redirect loops', async () => {
    await expect(fetchUrl(`${base}/loop-a`)).rejects.toBeInstanceOf(RedirectLoopError);
  });
  it('turns non-2xx into HttpStatusError with Retry-After', async () => {
    const e = await fetchUrl(`${base}/404`).catch((x) => x);
    expect(e).toBeInstanceOf(HttpStatusError);
    expect(e.retryable).toBe(false);
  });
});

describe('error classes decide what happens', () => {
  it('retries only timeouts, 408, 429 and 5xx; retires the session when blocked', () => {
    expect(failureAction(new NetworkError('t'))).toBe('retry');
    for (const s of [408, 429, 500, 503]) expect(failureAction(new HttpStatusError(s))).toBe('retry');
    for (const s of [400, 401, 404, 410]) expect(failureAction(new HttpStatusError(s))).toBe('give-up');
    expect(failureAction(new BlockedError('b'))).toBe('retire-session');
    expect(failureAction(new ParseError('p'))).toBe('give-up');
    expect(failureAction(new Error('x'))).toBe('give-up');
  });
  it('backoff grows exponentially with jitter and respects Retry-After', () => {
    const r = () => 0.5;
    expect(backoffDelay(0, null, { baseMs: 100, random: r })).toBe(75);
    expect(backoffDelay(3, null, { baseMs: 100, random: r })).toBe(600);
    expect(backoffDelay(0, 5000, { baseMs: 100, random: r })).toBe(5000);
  });
});

describe('HttpPageFetcher', () => {
  const sleeps: number[] = [];
  const make = (o = {}) => new HttpPageFetcher({ limiter: new HostLimiter({ minIntervalMs: 0 }), maxRetries: 3, backoffBaseMs: 1, sleep: async (ms) => { sleeps.push(ms); }, ...o });
  it('retries 5xx until it succeeds', async () => {
    const rss = await getAdapter('rss');
    const page = await make().fetchPage({ url: `${base}/flaky` }, rss);
    expect(page.text).toContain('ok');
    expect(counts.get('/flaky')).toBe(3);
  });
  it('honours Retry-After on 429', async () => {
    sleeps.length = 0;
    const rss = await getAdapter('rss');
    await make().fetchPage({ url: `${base}/429` }, rss);
    expect(sleeps[0]).toBeGreaterThanOrEqual(1000);
  });
  it('does not retry a 404', async () => {
    const rss = await getAdapter('rss');
    await expect(make().fetchPage({ url: `${base}/404` }, rss)).rejects.toBeInstanceOf(HttpStatusError);
    expect(counts.get('/404')).toBe(2); // one above, one here: no retries
  });
  it('honours robots.txt unless told not to', async () => {
    const rss = await getAdapter('rss');
    await expect(make().fetchPage({ url: `${base}/private/x` }, rss)).rejects.toBeInstanceOf(RobotsDisallowedError);
    expect(counts.get('/private/x')).toBeUndefined();
    expect((await make().fetchPage({ url: `${base}/private/ok` }, rss)).text).toContain('allowed');
    expect((await make({ respectRobots: false }).fetchPage({ url: `${base}/private/x` }, rss)).text).toBe('secret');
  });
  it('decodes GBK bytes served as charset=utf-8', async () => {
    const page = await make().fetchPage({ url: `${base}/gbk-lie` }, await getAdapter('web'));
    expect(page.text).toContain(zh);
    expect(page.charset).toBe('gb18030');
  });
  it('keeps one request at a time per host with a minimum interval', async () => {
    let now = 0;
    const waits: number[] = [];
    const lim = new HostLimiter({ minIntervalMs: 1000, now: () => now, sleep: async (ms) => { waits.push(ms); now += ms; } });
    let active = 0, maxActive = 0;
    const task = async () => { active++; maxActive = Math.max(maxActive, active); await new Promise((r) => setTimeout(r, 5)); active--; };
    await Promise.all([lim.run('a', task), lim.run('a', task), lim.run('a', task), lim.run('b', task)]);
    expect(maxActive).toBeLessThanOrEqual(2); // host a and host b may overlap, never two on a
    expect(waits.filter((w) => w > 0).length).toBe(2);
  });
});

describe('charset decoding', () => {
  const cases: [string, string][] = [
    ['gbk', '<html><body>星河乳业产品质量问题引发消费者投诉，要求退款赔偿</body></html>'],
    ['big5', '<html><body>星河乳業產品質量問題引發消費者投訴，要求退款賠償</body></html>'],
    ['gb18030', '<html><body>星河乳业回应𠀀投诉，消费者要求退款</body></html>'],
  ];
  for (const [enc, text] of cases) {
    it(`detects ${enc} with no declaration, and under a lying utf-8 header`, () => {
      const bytes = iconv.encode(text, enc);
      expect(decodeBody(bytes, 'text/html').text).toBe(text);
      expect(decodeBody(bytes, 'text/html; charset=utf-8').text).toBe(text);
    });
  }
  it('follows BOM, header and meta in that order when they agree with the bytes', () => {
    expect(decodeBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('é')]), 'text/html; charset=gbk')).toMatchObject({ text: 'é', via: 'bom' });
    expect(decodeBody(iconv.encode('<meta charset="big5"><p>臺灣</p>', 'big5'), 'text/html')).toMatchObject({ via: 'meta', charset: 'big5' });
    expect(decodeBody(Buffer.from('Notícias', 'latin1'), 'text/xml').text).toBe('Notícias');
    expect(decodeBody(Buffer.from('星河', 'utf8'), 'text/html; charset=iso-8859-1').text).toBe('星河');
  });
});

describe('robots.txt rules', () => {
  it('picks the group for our agent and the longest match', () => {
    const r = parseRobots('User-agent: *\nDisallow: /\n\nUser-agent: FlarewatchBot\nDisallow: /search\nAllow: /search/public$\nCrawl-delay: 5\n', 'FlarewatchBot/0.1 (+https://x)');
    expect(r.allows('/index.html')).toBe(true);
    expect(r.allows('/search?q=1')).toBe(false);
    expect(r.allows('/search/public')).toBe(true);
    expect(r.crawlDelayMs).toBe(5000);
    expect(parseRobots('User-agent: *\nDisallow: /*.json$\n', 'X').allows('/a.json')).toBe(false);
  });
});
