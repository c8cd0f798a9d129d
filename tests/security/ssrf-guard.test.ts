// SSRF guard for user-editable sources (web, browser): private, loopback and link-local targets
// are refused before a connection is made (also after a redirect and on the resolved address),
// unless FLAREWATCH_ALLOW_PRIVATE allows them; fixed adapters and allowed hosts still work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHostGuard, GUARDED_ADAPTERS, PrivateHostError, assertPublicUrl } from '../../src/security/ssrf-guard.js';
import { HttpPageFetcher } from '../../src/crawl/page-fetcher.js';
import { fetchUrl } from '../../src/crawl/http-fetch.js';
import { getAdapter } from '../../src/crawl/registry.js';
import { failureAction } from '../../src/crawl/errors.js';

let server: http.Server;
let base = '';
let hits = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits++;
    if (req.url === '/to-localhost') { res.writeHead(302, { location: `http://localhost:${(server.address() as AddressInfo).port}/page` }); res.end(); return; }
    if (req.url === '/to-metadata') { res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }); res.end(); return; }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<html><body><div class="item"><a href="/a/1">星河乳业 投诉</a></div></body></html>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('host guard', () => {
  it('guards exactly the user-editable adapters', () => {
    expect([...GUARDED_ADAPTERS].sort()).toEqual(['browser', 'web']);
  });

  it.each(['http://127.0.0.1/', 'http://10.1.2.3/', 'http://192.168.0.1/', 'http://172.20.0.5/', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]:8080/', 'http://[fd00::1]/', 'http://0.0.0.0/', 'http://localhost:9000/', 'file:///etc/passwd', 'gopher://127.0.0.1/'])('refuses %s', (u) => {
    expect(() => createHostGuard([]).checkUrl(new URL(u))).toThrow(PrivateHostError);
  });

  it('allows public addresses and allowed private ones (host or CIDR)', () => {
    expect(() => createHostGuard([]).checkUrl(new URL('http://93.184.216.34/'))).not.toThrow();
    expect(() => createHostGuard(['10.0.0.0/8']).checkUrl(new URL('http://10.1.2.3/'))).not.toThrow();
    expect(() => createHostGuard(['intranet.local', '127.0.0.1']).checkUrl(new URL('http://127.0.0.1:81/'))).not.toThrow();
  });

  it('checks the resolved address, not just the name', async () => {
    await expect(assertPublicUrl('http://localhost.:1/', createHostGuard([]))).rejects.toBeInstanceOf(PrivateHostError);
    const err = await new Promise<Error | null>((r) => createHostGuard([]).lookup('localhost', {}, (e) => r(e)));
    expect(err).toBeInstanceOf(PrivateHostError);
  });

  it('is final: a refused host is never retried', () => {
    expect(failureAction(new PrivateHostError('x'))).toBe('give-up');
  });
});

describe('through the crawler', () => {
  const fetcher = (allow: string[]) => new HttpPageFetcher({ respectRobots: false, maxRetries: 2, sleep: async () => {}, hostGuard: createHostGuard(allow) });

  it('a web source pointing at 127.0.0.1 is refused without a single request', async () => {
    const before = hits;
    await expect(fetcher([]).fetchPage({ url: `${base}/page` }, await getAdapter('web'))).rejects.toBeInstanceOf(PrivateHostError);
    expect(hits).toBe(before);
  });

  it('works when FLAREWATCH_ALLOW_PRIVATE lists the host', async () => {
    const page = await fetcher(['127.0.0.1']).fetchPage({ url: `${base}/page` }, await getAdapter('web'));
    expect(page.text).toContain('星河乳业');
  });

  it('refuses a redirect from an allowed host to a private one (localhost, cloud metadata)', async () => {
    const g = createHostGuard(['127.0.0.1']);
    await expect(fetchUrl(`${base}/to-localhost`, { hostGuard: g })).rejects.toBeInstanceOf(PrivateHostError);
    await expect(fetchUrl(`${base}/to-metadata`, { hostGuard: g })).rejects.toBeInstanceOf(PrivateHostError);
  });

  it('a hostname resolving to loopback is refused at connect time (guarded DNS lookup)', async () => {
    const port = (server.address() as AddressInfo).port;
    // checkUrl passes names through; the lookup the socket uses refuses the private address
    const g = { ...createHostGuard([]), checkUrl: () => {} };
    const before = hits;
    await expect(fetchUrl(`http://localhost:${port}/page`, { hostGuard: g })).rejects.toBeInstanceOf(PrivateHostError);
    expect(hits).toBe(before);
  });
});
