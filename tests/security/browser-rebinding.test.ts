// DNS rebinding against a rendered page, with real Chromium: the name answers a public address to
// every check made before Chromium connects and 127.0.0.1 afterwards. Chromium never resolves it
// itself (all its traffic, loopback included, goes through the guarded proxy, whose one lookup is
// the one connected to), so the local server is never reached, and a refused document is the
// guard's PrivateHostError, also through the crawler.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { BrowserRenderer } from '../../src/crawl/browser-renderer.js';
import { vetWithGuard } from '../../src/security/guarded-proxy.js';
import { HttpPageFetcher } from '../../src/crawl/page-fetcher.js';
import { getAdapter } from '../../src/crawl/registry.js';
import { PrivateHostError, createHostGuard, type AddressResolver } from '../../src/security/ssrf-guard.js';

const CHROMIUM = process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) console.warn(`skipping browser rebinding test: no browser at ${CHROMIUM} (apt-get install -y chromium)`);

/** rebind.test: public for the first `publicFor` lookups, 127.0.0.1 after; page.test: 127.0.0.1. */
function rebindingDns(publicFor: number) {
  const calls: string[] = [];
  const resolve: AddressResolver = (host, _o, cb) => {
    calls.push(host);
    const n = calls.filter((h) => h === host).length;
    const address = host === 'page.test' ? '127.0.0.1' : host === 'rebind.test' ? (n <= publicFor ? '93.184.216.34' : '127.0.0.1') : null;
    if (!address) return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), []);
    cb(null, [{ address, family: net.isIP(address) } as LookupAddress]);
  };
  return { resolve, calls };
}

let server: http.Server;
let port = 0;
const hits: string[] = [];
beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(`${req.headers.host}${req.url}`);
    if (req.url === '/secret.gif') { res.writeHead(200, { 'content-type': 'image/gif' }); res.end(Buffer.from('R0lGODlhAQABAAAAACw=', 'base64')); return; }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<html><body><p id="x">hello</p><img src="http://rebind.test:${port}/secret.gif"><script>fetch("http://rebind.test:${port}/api").catch(()=>{})</script></body></html>`);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => { server?.close(); });

describe.skipIf(!existsSync(CHROMIUM))('DNS rebinding against the browser', () => {
  it('a rebinding document and rebinding sub-requests never reach the local server', async () => {
    const logs: string[] = [];
    const r = new BrowserRenderer({ executablePath: CHROMIUM, timeoutMs: 10_000, log: (_l, m) => logs.push(m) });
    try {
      // document: the interception check sees the public address, the proxy's own lookup 127.0.0.1
      const dns1 = rebindingDns(1);
      const err = await r.render({ url: `http://rebind.test:${port}/` }, 'flarewatch-test', undefined, createHostGuard([], dns1.resolve)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PrivateHostError);
      expect((err as Error).message).toContain('127.0.0.1');
      expect(hits).toEqual([]);
      expect(logs.some((m) => m.includes('rebind.test') && m.includes('127.0.0.1'))).toBe(true);
      expect(dns1.calls.filter((h) => h === 'rebind.test').length).toBeGreaterThanOrEqual(2);

      // sub-resources (image, fetch) of an allowed page: every check made before connecting sees
      // the public address, every lookup at connect time 127.0.0.1 (what Chromium's own lookup saw)
      const atCheck = rebindingDns(Infinity), atConnect = rebindingDns(0);
      logs.length = 0;
      const page = await r.render({ url: `http://page.test:${port}/` }, 'flarewatch-test', undefined, createHostGuard(['page.test'], atCheck.resolve), { vet: vetWithGuard(createHostGuard(['page.test'], atConnect.resolve)) });
      expect(page.text).toContain('hello');
      expect(hits).toContain(`page.test:${port}/`);
      expect(hits.filter((h) => h.startsWith('rebind.test') || h.includes('secret') || h.includes('api'))).toEqual([]);
      expect(atCheck.calls).toContain('rebind.test'); // the interception layer let them through
      expect(logs.some((m) => m.includes('rebind.test') && m.includes('127.0.0.1'))).toBe(true);
    } finally {
      await r.close();
    }
  }, 30_000);

  it('through the crawler, a rebinding browser source fails with PrivateHostError and is not retried', async () => {
    const r = new BrowserRenderer({ executablePath: CHROMIUM, timeoutMs: 10_000, log: () => undefined });
    hits.length = 0;
    try {
      const dns = rebindingDns(2); // the fetcher's pre-check and the interception check see public
      const fetcher = new HttpPageFetcher({ respectRobots: false, maxRetries: 2, sleep: async () => {}, renderer: r, hostGuard: createHostGuard([], dns.resolve) });
      await expect(fetcher.fetchPage({ url: `http://rebind.test:${port}/`, render: true }, await getAdapter('browser'))).rejects.toBeInstanceOf(PrivateHostError);
      expect(hits).toEqual([]);
    } finally {
      await r.close();
    }
  }, 30_000);
});
