// Runs every case of ../shared/data/pages/spec.json and spec-platforms.json (real captured responses)
// through the real runner on 127.0.0.1, with the same checks as the crawl eval. Skips when ../shared
// is absent, and skips a platform case whose adapter is not built yet.
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { crawlOnce } from '../../src/crawl/crawl-once.js';
import { HttpPageFetcher } from '../../src/crawl/page-fetcher.js';
import { HostLimiter } from '../../src/crawl/host-limiter.js';
import { getAdapter } from '../../src/crawl/registry.js';

const PAGES = new URL('../../../shared/data/pages/', import.meta.url).pathname;
const hasShared = existsSync(PAGES + 'spec.json');
if (!hasShared) console.warn('skipping: ../shared/data/pages not found');

interface Case { name: string; type: string; file: string; path: string; url: string; contentType: string; expect: { minItems: number; ids?: string[]; contains?: string[]; kind?: string; metric?: string } }

/** spec.json, plus the platform cases (spec-platforms.json) whose adapter exists here */
function loadCases(): Case[] {
  if (!hasShared) return [];
  const platforms = existsSync(PAGES + 'spec-platforms.json') ? JSON.parse(readFileSync(PAGES + 'spec-platforms.json', 'utf8')).cases as Case[] : [];
  return [...JSON.parse(readFileSync(PAGES + 'spec.json', 'utf8')).cases as Case[], ...platforms];
}
const adapterFiles = new Set(readdirSync(new URL('../../crawlers/', import.meta.url)).map((f) => f.replace(/\.ts$/, '')));

describe.skipIf(!hasShared)('real captures in ../shared/data/pages', () => {
  const cases = loadCases();
  for (const c of cases) {
    it.skipIf(!adapterFiles.has(c.type))(`${c.name} (${c.type})`, async () => {
      const body = readFileSync(PAGES + c.file);
      const server = createServer((req, res) => {
        const p = new URL(req.url!, 'http://x').pathname;
        if (p === c.path) { res.writeHead(200, { 'content-type': c.contentType }); res.end(body); } else { res.writeHead(404); res.end(); }
      });
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const r = await crawlOnce({ adapter: await getAdapter(c.type), url: base + c.url, maxPages: 1, now: new Date(), fetcher: new HttpPageFetcher({ limiter: new HostLimiter({ minIntervalMs: 0 }), maxRetries: 0 }) });
      server.close();
      const items = r.observations;
      const text = (o: { title?: string | null; text?: string | null }) => `${o.title ?? ''} ${o.text ?? ''}`;
      expect(items.length).toBeGreaterThanOrEqual(c.expect.minItems);
      for (const id of c.expect.ids ?? []) expect(items.some((o) => o.id === id)).toBe(true);
      for (const s of c.expect.contains ?? []) expect(items.some((o) => text(o).includes(s))).toBe(true);
      expect(items.some((o) => /\uFFFD/.test(text(o)))).toBe(false);
      expect(items.some((o) => /<\/?(span|img|a|div|br)\b/i.test(o.text ?? ''))).toBe(false);
      if (c.expect.kind && items.length) expect(items.some((o) => o.kind === c.expect.kind)).toBe(true);
      if (c.expect.metric) expect(items.some((o) => ((o.metrics as Record<string, number> | null)?.[c.expect.metric!] ?? 0) > 0)).toBe(true);
      for (const o of items) if (o.publishedAt) expect(Date.parse(o.publishedAt)).toBeLessThan(Date.now() + 86_400_000);
    });
  }
});
