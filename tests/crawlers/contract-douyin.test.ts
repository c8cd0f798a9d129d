// Contract tests for the douyin adapter on its API answers served directly. The comment list is a
// real Douyin answer (relayed verbatim by a paid API, trimmed); the search answer's statistics and
// envelope are GUESSED (tests/fixtures/douyin/SOURCE.md). The browser-session path is the same
// machinery as xhs (tests/crawl/browser-session.test.ts); here only its start request is checked.
import { describe, it, expect } from 'vitest';
import { serve, crawl, checkContract } from './serve-fixtures.js';
import { getAdapter } from '../../src/crawl/registry.js';
import { crawlOnce } from '../../src/crawl/crawl-once.js';
import { HttpPageFetcher } from '../../src/crawl/page-fetcher.js';
import { HostLimiter } from '../../src/crawl/host-limiter.js';

const JSON_TYPE = 'application/json; charset=utf-8';

describe('douyin API answers', () => {
  it('comment/list (real): text comments under the video with IP location; image-only comments left out', async () => {
    const s = await serve({ '/aweme/v1/web/comment/list/': { file: 'douyin/comment-list.json', type: JSON_TYPE } });
    // the comments were written in February 2026: crawl them then
    const r = await crawlOnce({ adapter: await getAdapter('douyin'), url: `${s.base}/aweme/v1/web/comment/list/?aweme_id=7565738211130035491&cursor=0&count=20`, maxPages: 1, now: new Date('2026-02-06T00:00:00Z'), fetcher: new HttpPageFetcher({ limiter: new HostLimiter({ minIntervalMs: 0 }), maxRetries: 0 }) });
    s.close();
    expect(r.errors).toEqual([]);
    expect(r.observations).toHaveLength(1);
    expect(r.observations[0]).toMatchObject({
      source: 'douyin', kind: 'comment', id: '7603286382429717282', parentId: '7565738211130035491', url: 'https://www.douyin.com/video/7565738211130035491',
      author: { id: '1789644184760174', name: '踢爱福', verified: false }, publishedAt: '2026-02-05T07:54:24.000Z',
      metrics: { likes: 0, comments: 0 }, extra: { location: '河南' },
    });
    expect(r.observations[0].text).toMatch(/^而且我养的中华田园犬\[耶\]/);
  });

  it('search/item: videos with author, a hidden follower count (0) as null, likes/comments/shares (GUESSED statistics), crawled at the capture time', async () => {
    const s = await serve({ '/aweme/v1/web/search/item/': { file: 'douyin/search-item.json', type: JSON_TYPE } });
    const r = await crawlOnce({ adapter: await getAdapter('douyin'), url: `${s.base}/aweme/v1/web/search/item/?keyword=x`, maxPages: 1, now: new Date('2026-02-06T00:00:00Z'), fetcher: new HttpPageFetcher({ limiter: new HostLimiter({ minIntervalMs: 0 }), maxRetries: 0 }) });
    s.close();
    expect(r.errors).toEqual([]);
    expect(r.observations[0]).toMatchObject({
      kind: 'post', id: '7584769166932233472', url: 'https://www.douyin.com/video/7584769166932233472', text: '好坏一看便知。#猫 #好猫 #坏猫 #十九喵 #抖音萌宠出道计划',
      author: { id: '4457845776194612', name: '十九喵🐱', followers: null, verified: false }, publishedAt: '2025-12-17T10:18:26.000Z',
      metrics: { likes: 52000, comments: 1024, reposts: 3100, views: null }, extra: { collects: 2600, hashtags: '猫,好猫' },
    });
  });

  it('status_code 8 (not logged in) is a blocked session; a search page starts a browser session (GUESSED error body)', async () => {
    const s = await serve({ '/aweme/v1/web/comment/list/': { body: '{"status_code":8,"status_msg":"用户未登录"}', type: JSON_TYPE } });
    const r = await crawl('douyin', `${s.base}/aweme/v1/web/comment/list/?aweme_id=1`);
    s.close();
    expect(r.blocked?.message).toMatch(/status_code 8/);
    const a = await getAdapter('douyin');
    const [req] = a.start!('https://www.douyin.com/search/%E6%98%9F%E6%B2%B3?type=video', a.params.parse({ account: 'desk1' }));
    expect(req).toMatchObject({ render: true, label: 'search', meta: { session: { site: 'douyin', account: 'desk1' } } });
    checkContract([], 'douyin');
  });
});
