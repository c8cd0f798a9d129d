// Contract tests for the xhs adapter on its API answers served directly (how `crawl --type xhs --url`
// runs a saved answer). The fixtures' shapes follow real Xiaohongshu answers but their content is
// GUESSED (tests/fixtures/xhs/SOURCE.md); the real samples in ../shared/data/pages/samples are read
// (not copied) when present. The browser-session path is tested in tests/crawl/browser-session.test.ts.
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { serve, crawl, checkContract } from './serve-fixtures.js';
import { crawlOnce } from '../../src/crawl/crawl-once.js';
import { HttpPageFetcher } from '../../src/crawl/page-fetcher.js';
import { HostLimiter } from '../../src/crawl/host-limiter.js';
import { getAdapter } from '../../src/crawl/registry.js';
import { toObservation } from '../../src/core/observation.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const SAMPLES = new URL('../../../shared/data/pages/samples/', import.meta.url).pathname;
const hasSamples = existsSync(SAMPLES + 'xiaohongshu__web-v1-search-notes.derived.json');

describe('xhs API answers (GUESSED content, real shapes)', () => {
  it('search/notes: titled notes as posts with likes like 1.2万; untitled notes and hot queries left for later', async () => {
    const s = await serve({ '/api/sns/web/v1/search/notes': { file: 'xhs/search-notes.json', type: JSON_TYPE } });
    const r = await crawl('xhs', `${s.base}/api/sns/web/v1/search/notes`);
    s.close();
    checkContract(r.observations, 'xhs');
    expect(r.observations.map((o) => [o.id, o.metrics?.likes])).toEqual([['6700a1b2000000001b00c0d1', 12000], ['6700a1b2000000001b00c0d3', 3703]]);
    expect(r.observations[0]).toMatchObject({ kind: 'post', author: { id: '5f00000000000000010000a1', name: 'GUESSED小鹿' }, extra: { xsecToken: 'ABguessedToken1=' } });
  });

  it('feed and comment/page: the note in full and comments with replies under the note', async () => {
    const s = await serve({
      '/api/sns/web/v1/feed': { file: 'xhs/feed.json', type: JSON_TYPE },
      '/api/sns/web/v2/comment/page': { file: 'xhs/comment-page.json', type: JSON_TYPE },
    });
    const f = await crawl('xhs', `${s.base}/api/sns/web/v1/feed`);
    const c = await crawl('xhs', `${s.base}/api/sns/web/v2/comment/page?note_id=6700a1b2000000001b00c0d1&cursor=`);
    s.close();
    checkContract(f.observations, 'xhs');
    checkContract(c.observations, 'xhs');
    expect(f.observations[0]).toMatchObject({ id: '6700a1b2000000001b00c0d1', publishedAt: '2024-08-06T00:00:00.000Z', metrics: { likes: 12000, comments: 860 }, extra: { tags: '星河乳业,食品安全' } });
    expect(c.observations.map((o) => o.kind)).toEqual(['comment', 'comment', 'comment']);
    expect(c.observations[1]).toMatchObject({ parentId: '6700a1b2000000001b00c0d1', extra: { replyTo: '6700c0de000000000c0000c1', location: '江苏' } });
  });

  it('code -100 (login expired) and 461 are a blocked session (GUESSED bodies; codes as public clients list them)', async () => {
    const s = await serve({
      '/api/sns/web/v1/search/notes': [
        { body: '{"code":-100,"success":false,"msg":"登录已过期","data":{}}', type: JSON_TYPE, query: { k: 'a' } },
        { body: '{"code":300012,"success":false,"msg":"当前IP存在风险","data":{}}', type: JSON_TYPE, query: { k: 'b' } },
        { body: '', status: 461, type: JSON_TYPE, query: { k: 'c' } },
      ],
    });
    for (const k of ['a', 'b', 'c']) {
      const r = await crawl('xhs', `${s.base}/api/sns/web/v1/search/notes?k=${k}`);
      expect(r.blocked, k).not.toBeNull();
    }
    s.close();
  });
});

describe.skipIf(!hasSamples)('xhs on the real samples in ../shared/data/pages/samples (read, not copied)', () => {
  it('search notes, note detail and comment page', async () => {
    const s = await serve({
      '/api/sns/web/v1/search/notes': { body: readFileSync(SAMPLES + 'xiaohongshu__web-v1-search-notes.derived.json', 'utf8'), type: JSON_TYPE },
      '/api/sns/web/v1/feed': { body: readFileSync(SAMPLES + 'xiaohongshu__web-v1-feed.derived.json', 'utf8'), type: JSON_TYPE },
      '/api/sns/web/v2/comment/page': { body: readFileSync(SAMPLES + 'xiaohongshu__web-v2-comment-page.derived.json', 'utf8'), type: JSON_TYPE },
    });
    // the samples were captured in September 2024: crawl them at that time
    const at = async (url: string) => crawlOnce({ adapter: await getAdapter('xhs'), url, maxPages: 1, now: new Date('2024-09-20T00:00:00Z'), fetcher: new HttpPageFetcher({ limiter: new HostLimiter({ minIntervalMs: 0 }), maxRetries: 0 }) });
    const search = await at(`${s.base}/api/sns/web/v1/search/notes`);
    const feed = await at(`${s.base}/api/sns/web/v1/feed`);
    const comments = await at(`${s.base}/api/sns/web/v2/comment/page?note_id=66696f98000000000d00f289`);
    s.close();
    for (const r of [search, feed, comments]) {
      expect(r.errors).toEqual([]);
      for (const o of r.observations) { toObservation(o); expect(o.source).toBe('xhs'); expect(o.text || o.title).toBeTruthy(); }
    }
    expect(search.observations.length).toBeGreaterThan(5);
    expect(search.observations.find((o) => o.id === '669db9900000000003027352')).toMatchObject({ title: '客户说有需要再联系 别再回复好的‼️', metrics: { likes: 3703 } });
    expect(feed.observations[0]).toMatchObject({ id: '66696f98000000000d00f289', publishedAt: '2024-06-12T09:51:20.000Z', metrics: { comments: 160, likes: 44 } });
    expect(comments.observations.length).toBeGreaterThan(3);
    expect(comments.observations.every((o) => o.kind === 'comment' && o.parentId === '66696f98000000000d00f289')).toBe(true);
    expect(comments.observations.some((o) => o.extra?.replyTo === '66971acb0000000005020d08')).toBe(true);
  });
});

describe('xhs re-observation', () => {
  it('a note re-observed by the scheduler (extraRequests) is opened in the browser session like any note page', async () => {
    const { crawlOnce: run } = await import('../../src/crawl/crawl-once.js');
    const seen: { url: string; render?: boolean; session?: unknown; label?: string }[] = [];
    const fetcher = { async fetchPage(req: { url: string; render?: boolean; label?: string; meta?: Record<string, unknown> }) { seen.push({ url: req.url, render: req.render, session: req.meta?.session, label: req.label }); return { request: req, url: req.url, status: 200, contentType: 'application/json', text: '{"kind":"flarewatch-browser-session","responses":[]}', charset: 'utf-8' }; } };
    const note = (id: string) => `https://www.xiaohongshu.com/explore/${id}?xsec_token=T&xsec_source=pc_search`;
    await run({ adapter: await getAdapter('xhs'), url: note('a1'), extraRequests: [{ url: note('a2'), follow: 'detail', label: 'reobserve', meta: { id: 'a2' } }], maxPages: 2, now: new Date(), fetcher: fetcher as never, params: { account: 'desk1' } });
    expect(seen).toHaveLength(2);
    for (const r of seen) expect(r).toMatchObject({ render: true, label: 'note', session: { site: 'xhs', account: 'desk1' } });
  });
});
