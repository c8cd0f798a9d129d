// Fuzz every parser with fast-check: random, broken and truncated input (including truncations
// of the real-shaped fixtures) must never throw anything but a typed CrawlError.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { loadAdapters } from '../../src/crawl/registry.js';
import { CrawlError } from '../../src/crawl/errors.js';
import { decodeBody } from '../../src/crawl/charset.js';
import { parseSiteDate } from '../../src/crawl/dates.js';
import { htmlToText } from '../../src/crawl/text.js';
import { parseRobots } from '../../src/crawl/robots.js';
import type { AnyAdapter, Page } from '../../src/crawl/adapter.js';
import { FIXTURES } from './serve-fixtures.js';

const URLS: Record<string, string[]> = {
  weibo: ['/api/container/getIndex?containerid=1076031', '/statuses/show?id=1', '/statuses/extend?id=1', '/comments/hotflow?id=1&mid=1', '/api/comments/show?id=1&page=1', '/api/statuses/repostTimeline?id=1&page=1'],
  'weibo-hot': ['/ajax/side/hotSearch', '/top/summary'],
  tieba: ['/f?kw=a', '/p/123', '/p/comment?tid=1&pid=2', '/f/search/res?qw=a'],
  discuz: ['/forumdisplay.php?fid=1', '/viewthread.php?tid=1', '/forum-1-1.html', '/thread-1-1-1.html'],
  heimao: ['/api/index/s?keywords=a&page=1', '/complaint/view/123/'],
  dianping: ['/shop/abc/review_all'],
  appstore: ['/cn/rss/customerreviews/page=1/id=1/sortby=mostrecent/json'],
  reddit: ['/r/x/new.json', '/comments/abc.json'],
  hn: ['/api/v1/search?query=a', '/api/v1/items/1'],
  rss: ['/feed'],
  web: ['/x'], browser: ['/x'],
  wechat: ['/weixin?type=2&query=a&page=1', '/link?url=x', '/s?__biz=a&mid=1&idx=1', '/s/abc', '/antispider/?from=x'],
};
const PARAMS: Record<string, Record<string, string>> = { web: { item: 'div, li, article', title: 'h2', next: 'a' }, browser: { item: 'div', text: 'p' } };

const fixtureTexts = readdirSync(FIXTURES, { recursive: true, withFileTypes: true })
  .filter((d) => d.isFile())
  .map((d) => readFileSync(`${d.parentPath}/${d.name}`, 'utf8'));

const json = fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v));
const shaped = fc.oneof(
  fc.record({ ok: fc.constantFrom(1, 0, -100, '1'), data: fc.anything({ maxDepth: 4 }) }).map((v) => JSON.stringify(v)),
  fc.record({ result: fc.record({ data: fc.record({ lists: fc.array(fc.anything({ maxDepth: 3 }), { maxLength: 3 }) }) }) }).map((v) => JSON.stringify(v)),
  fc.record({ feed: fc.record({ entry: fc.anything({ maxDepth: 3 }), link: fc.anything({ maxDepth: 2 }) }) }).map((v) => JSON.stringify(v)),
  fc.record({ kind: fc.constant('Listing'), data: fc.record({ children: fc.array(fc.record({ kind: fc.constantFrom('t1', 't3', 'more'), data: fc.anything({ maxDepth: 3 }) }), { maxLength: 3 }), after: fc.anything() }) }).map((v) => JSON.stringify(v)),
  fc.record({ hits: fc.array(fc.anything({ maxDepth: 3 }), { maxLength: 3 }), page: fc.anything(), nbPages: fc.anything(), children: fc.anything({ maxDepth: 3 }) }).map((v) => JSON.stringify(v)),
);
const markup = fc.array(fc.oneof(
  fc.constantFrom('<li class="j_thread_list" data-tid="1" data-field=\'{"id":', '<div class="l_post" data-field="{&quot;content&quot;:{&quot;post_id&quot;:1}}">', '<tbody id="normalthread_5">', '<a href="viewthread.php?tid=9">t</a>', '<item><title>', '</title></item>', '<entry>', '<!--', '-->', '<rss>', '<feed>', '<img alt=[x]>', '&#xD800;', '&#99999999;', '<span class="sml-str50">', '<li class="lzl_single_post" data-field="{}">', '<ul class="ts-q-list"><li>', '<![CDATA[', ']]>', '<?xml version="1.0"?>'),
  fc.string({ maxLength: 20 }),
), { maxLength: 30 }).map((parts) => parts.join(''));
const truncated = fc.tuple(fc.constantFrom(...fixtureTexts), fc.double({ min: 0, max: 1, noNaN: true })).map(([t, f]) => t.slice(0, Math.floor(t.length * f)));
const anyInput = fc.oneof(fc.string({ maxLength: 200 }), json, shaped, markup, truncated);

function runParse(a: AnyAdapter, path: string, text: string): void {
  const url = `http://127.0.0.1:1${path}`;
  const page: Page = { request: { url }, url, status: 200, contentType: 'text/html', text, charset: 'utf-8' };
  const params = a.params.parse(PARAMS[a.id] ?? {});
  try {
    const r = a.parse({ page, params, now: new Date('2024-08-06T00:00:00Z') });
    expect(Array.isArray(r.observations)).toBe(true);
  } catch (e) {
    if (!(e instanceof CrawlError)) throw new Error(`${a.id} ${path} threw a non-typed error: ${(e as Error)?.stack ?? String(e)}`);
    // the defineAdapter guard would turn a crash into ParseError; the parsers themselves must not crash
    if ((e as { cause?: unknown }).cause) throw new Error(`${a.id} ${path}: parser crashed (${String((e as { cause?: unknown }).cause)})`);
  }
}

describe('parsers never throw anything but a typed error', async () => {
  const adapters = await loadAdapters();
  for (const a of adapters.values()) {
    it(a.id, () => {
      fc.assert(fc.property(anyInput, fc.constantFrom(...(URLS[a.id] ?? ['/'])), (text, path) => runParse(a, path, text)), { numRuns: 150 });
    });
  }
  it('decoding, dates, html and robots never throw', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 40 }), (bytes, ct) => { decodeBody(bytes, ct); }), { numRuns: 300 });
    fc.assert(fc.property(fc.oneof(fc.string(), fc.double(), fc.integer(), fc.constantFrom('刚刚', '99分钟前', '今天 25:61', '02-30', '2024年13月1日', 'Sat Jun 15 11:44:46 +0800 2019')), (s) => {
      const r = parseSiteDate(s, new Date());
      expect(r === null || !Number.isNaN(Date.parse(r))).toBe(true);
    }), { numRuns: 300 });
    fc.assert(fc.property(markup, (s) => { htmlToText(s); parseRobots(s, 'FlarewatchBot'); }), { numRuns: 200 });
  });
});
