// Test helper: serve fixture files on 127.0.0.1 like a site would (status, content type, raw
// bytes, optional re-encoding to GBK/Big5 to test charset handling), plus a permissive robots.txt.
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { HttpPageFetcher } from '../../src/crawl/page-fetcher.js';
import { HostLimiter } from '../../src/crawl/host-limiter.js';
import { crawlOnce } from '../../src/crawl/crawl-once.js';
import { getAdapter } from '../../src/crawl/registry.js';
import { toObservation, type Observation } from '../../src/core/observation.js';
import type { AnyAdapter, CrawlRequest, Page } from '../../src/crawl/adapter.js';

export const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;

export interface Route { file?: string; body?: string; type?: string; encodeAs?: string; status?: number; query?: Record<string, string> }

export async function serve(routes: Record<string, Route | Route[]>): Promise<{ base: string; close: () => void; hits: string[] }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url!, 'http://x');
    hits.push(u.pathname + u.search);
    if (u.pathname === '/robots.txt') { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('User-agent: *\nAllow: /\n'); return; }
    const list = ([] as Route[]).concat(routes[u.pathname] ?? []);
    const r = list.find((x) => Object.entries(x.query ?? {}).every(([k, v]) => u.searchParams.get(k) === v));
    if (!r) { res.writeHead(404, { 'content-type': 'text/plain' }); res.end('not found'); return; }
    let body: Buffer = r.file ? readFileSync(FIXTURES + r.file) : Buffer.from(r.body ?? '');
    if (r.encodeAs) body = iconv.encode(body.toString('utf8'), r.encodeAs);
    res.writeHead(r.status ?? 200, { 'content-type': r.type ?? 'text/html' });
    res.end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { base: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => server.close(), hits };
}

export const NOW = new Date('2024-08-06T04:00:00Z');

/** A stand-in for Chromium: "renders" by fetching the HTML. */
export const fakeRenderer = {
  async render(req: CrawlRequest): Promise<Page> {
    const r = await fetch(req.url);
    return { request: req, url: req.url, status: r.status, contentType: 'text/html', text: await r.text(), charset: 'utf-8' };
  },
  async close() {},
};

export async function crawl(adapterId: string, url: string, opts: { params?: Record<string, string>; maxPages?: number; adapter?: AnyAdapter } = {}) {
  const adapter = opts.adapter ?? (await getAdapter(adapterId));
  const fetcher = new HttpPageFetcher({ limiter: new HostLimiter({ minIntervalMs: 0 }), maxRetries: 0, renderer: fakeRenderer as never });
  return crawlOnce({ adapter, url, params: opts.params, maxPages: opts.maxPages ?? 1, now: NOW, fetcher });
}

/** The contract every adapter's output must meet. */
export function checkContract(obs: Observation[], source: string): void {
  for (const o of obs) {
    toObservation(o);
    if (o.source !== source) throw new Error(`source ${o.source} != ${source}`);
    if (!o.id || typeof o.id !== 'string') throw new Error('missing id');
    if (o.at !== NOW.toISOString()) throw new Error(`at ${o.at} is not the crawl time`);
    if (o.url != null && !/^https?:\/\//.test(o.url)) throw new Error(`url not absolute: ${o.url}`);
    if (o.publishedAt != null && (Number.isNaN(Date.parse(o.publishedAt)) || Date.parse(o.publishedAt) > NOW.getTime() + 86_400_000)) throw new Error(`bad publishedAt ${o.publishedAt}`);
    if (/<\/?(span|img|a|div|br|p)\b/i.test(o.text ?? '')) throw new Error(`HTML left in text: ${o.text}`);
    if (!o.text && !o.title) throw new Error(`item ${o.id} has neither text nor title`);
  }
}
