// A JS-rendered source cannot make Chromium reach private hosts through the page's own requests:
// with the host guard, a sub-resource on a private address is aborted (control: without it, the
// request arrives).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { BrowserRenderer } from '../../src/crawl/browser-renderer.js';
import { assertPublicUrl, createHostGuard } from '../../src/security/ssrf-guard.js';

const CHROMIUM = process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium';
let page: Server, internal: Server;
let pageUrl = '';
let internalHits = 0;

beforeAll(async () => {
  internal = createServer((_req, res) => { internalHits++; res.writeHead(200, { 'content-type': 'image/gif' }); res.end(Buffer.from('R0lGODlhAQABAAAAACw=', 'base64')); });
  await new Promise<void>((ok) => internal.listen(0, '127.0.0.2', ok));
  const ip = `http://127.0.0.2:${(internal.address() as { port: number }).port}`;
  page = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(`<html><body><p id="x">hello</p><img src="${ip}/secret.gif"><script>fetch("${ip}/api").catch(()=>{})</script></body></html>`); });
  await new Promise<void>((ok) => page.listen(0, '127.0.0.1', ok));
  pageUrl = `http://127.0.0.1:${(page.address() as { port: number }).port}/`;
});
afterAll(() => { page?.close(); internal?.close(); });

describe.skipIf(!existsSync(CHROMIUM))('browser sub-requests and the SSRF guard', () => {
  it('aborts a private sub-resource when guarded, and lets it through when not', async () => {
    const r = new BrowserRenderer({ executablePath: CHROMIUM, timeoutMs: 15_000 });
    try {
      const guard = createHostGuard(['127.0.0.1']);
      const guarded = await r.render({ url: pageUrl }, 'flarewatch-test', undefined, (u) => assertPublicUrl(u, guard));
      expect(guarded.text).toContain('hello');
      expect(internalHits).toBe(0);
      await r.render({ url: pageUrl }, 'flarewatch-test');
      expect(internalHits).toBeGreaterThan(0);
    } finally {
      await r.close();
    }
  }, 60_000);
});
if (!existsSync(CHROMIUM)) console.warn(`skipping browser sub-request test: no browser at ${CHROMIUM} (apt-get install -y chromium)`);
