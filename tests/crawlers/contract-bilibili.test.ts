// Contract tests for the bilibili adapter: real response bodies from bilibili-API-collect's documented
// examples (trimmed; origins in tests/fixtures/bilibili/SOURCE.md) served on 127.0.0.1 and crawled
// through the real runner. Checks kinds, ids (BV), authors and followers, metrics, dates, comment
// parents, follow-ups (comments of top results, followers, next page) and WBI signing with the
// documented test vectors. Bodies whose shape had to be guessed are marked GUESSED where used.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { serve, crawl, checkContract, FIXTURES, NOW } from './serve-fixtures.js';
import { aidToBvid, bvidToAid, mixinKey, signWbi, wbiKeysFrom } from '../../crawlers/lib/bilibili-ids.js';
import type { Observation } from '../../src/core/observation.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const byId = (xs: Observation[], id: string) => xs.find((x) => x.id === id)!;
const KEYWORD = encodeURIComponent('洛天依');

describe('bilibili ids and WBI signing (documented vectors)', () => {
  it('aid <-> BV id', () => {
    expect(aidToBvid(243082173)).toBe('BV1De411p77r');
    expect(aidToBvid('2')).toBe('BV1xx411c7mD');
    expect(bvidToAid('BV1Hk4y1B7Cx')).toBe(753839250);
    expect(aidToBvid('abc')).toBeNull();
    expect(bvidToAid('av2')).toBeNull();
  });

  it('mixin key and w_rid as bilibili-API-collect docs/misc/sign/wbi.md works them out', () => {
    const keys = wbiKeysFrom('https://i0.hdslb.com/bfs/wbi/7cd084941338484aae1ad9425b84077c.png', 'https://i0.hdslb.com/bfs/wbi/4932caff0ff746eab6f01bf08b70ac45.png')!;
    expect(mixinKey(keys)).toBe('ea1db124af3c7062474693fa704f4ff8');
    const signed = new URL(signWbi('https://api.bilibili.com/x/test?foo=114&bar=514&zab=1919810', keys, new Date(1702204169_000)));
    expect(signed.search).toBe('?bar=514&foo=114&wts=1702204169&zab=1919810&w_rid=8f6f2b5b3d485fe1886cec6a0be8c5d4');
    // spaces as %20, upper-case hex, and !'()* dropped from values
    const odd = new URL(signWbi("https://x/y?keyword=one one (four)!", keys, new Date(1702204169_000)));
    expect(odd.search.startsWith('?keyword=one%20one%20four&wts=1702204169&w_rid=')).toBe(true);
  });
});

describe('bilibili search', () => {
  it('search/type: posts with BV ids, keyword markup stripped, views/comments/danmaku, unix pubdate, next page and comment follow-ups', async () => {
    const s = await serve({
      '/x/web-interface/search/type': [
        { file: 'bilibili/search-type-video-page2.json', type: JSON_TYPE, query: { page: '2' } },
        { file: 'bilibili/search-type-video.json', type: JSON_TYPE },
      ],
    });
    const r = await crawl('bilibili', `${s.base}/x/web-interface/search/type?search_type=video&keyword=${KEYWORD}`, { params: { followers: 'false' }, maxPages: 1 });
    s.close();
    checkContract(r.observations, 'bilibili');
    expect(r.observations.map((o) => o.id)).toEqual(['BV1Hk4y1B7Cx', 'BV1Zk4y1B7bn', 'BV1fx411U7Kg']);
    const p = byId(r.observations, 'BV1Hk4y1B7Cx');
    expect(p).toMatchObject({
      kind: 'post', url: 'https://www.bilibili.com/video/BV1Hk4y1B7Cx', title: '【洛天依】2020.7.12洛天依生日会',
      author: { id: '36081646', name: '洛天依' }, publishedAt: '2020-07-12T13:07:14.000Z',
      metrics: { views: 269428, comments: 4391 }, extra: { aid: 753839250, danmaku: 30648, favorites: 24066 },
    });
    expect(p.text).toContain('8年间刻画下的无数回忆');
  });

  it('follows comments of the top results (bounded by `comments`) before the next page', async () => {
    const s = await serve({
      '/x/web-interface/search/type': [
        { file: 'bilibili/search-type-video-page2.json', type: JSON_TYPE, query: { page: '2' } },
        { file: 'bilibili/search-type-video.json', type: JSON_TYPE },
      ],
      '/x/v2/reply': { file: 'bilibili/reply-av2.json', type: JSON_TYPE },
    });
    const r = await crawl('bilibili', `${s.base}/x/web-interface/search/type?search_type=video&keyword=${KEYWORD}`, { params: { comments: '2', followers: 'false' }, maxPages: 10 });
    s.close();
    checkContract(r.observations, 'bilibili');
    const replyHits = s.hits.filter((h) => h.startsWith('/x/v2/reply'));
    expect(replyHits).toEqual(['/x/v2/reply?type=1&oid=753839250&sort=1&ps=20&pn=1', '/x/v2/reply?type=1&oid=753460703&sort=1&ps=20&pn=1']);
    expect(s.hits.filter((h) => h.includes('page=2'))).toHaveLength(1);
    expect(s.hits.findIndex((h) => h.includes('page=2'))).toBeGreaterThan(s.hits.findIndex((h) => h.includes('oid=753460703')));
    // the fixture answers the same comment page for both videos: each comment keeps the video it was fetched for (last one wins)
    const c = r.observations.filter((o) => o.kind === 'comment');
    expect(c).toHaveLength(5);
    expect(new Set(c.map((o) => o.parentId)).size).toBe(1);
  });

  it('search/all/v2: only the video group, followers and verification from the bili_user group', async () => {
    const s = await serve({ '/x/web-interface/search/all/v2': { file: 'bilibili/search-all-v2.json', type: JSON_TYPE } });
    const r = await crawl('bilibili', `${s.base}/x/web-interface/search/all/v2?keyword=${KEYWORD}`, { params: { followers: 'false' } });
    s.close();
    checkContract(r.observations, 'bilibili');
    expect(r.observations).toHaveLength(3);
    expect(byId(r.observations, 'BV1Hk4y1B7Cx').author).toEqual({ id: '36081646', name: '洛天依', followers: 1982688, verified: true });
    expect(byId(r.observations, 'BV1fx411U7Kg').author?.followers ?? null).toBeNull();
  });

  it('follower counts of the top authors from /x/relation/stat merge into their posts', async () => {
    const s = await serve({
      '/x/web-interface/search/type': { file: 'bilibili/search-type-video.json', type: JSON_TYPE },
      '/x/relation/stat': { file: 'bilibili/relation-stat.json', type: JSON_TYPE },
    });
    const r = await crawl('bilibili', `${s.base}/x/web-interface/search/type?search_type=video&keyword=${KEYWORD}`, { params: { comments: '0' }, maxPages: 2 });
    s.close();
    checkContract(r.observations, 'bilibili');
    expect(s.hits).toContain('/x/relation/stat?vmid=36081646');
    expect(byId(r.observations, 'BV1Hk4y1B7Cx').author).toMatchObject({ id: '36081646', name: '洛天依', followers: 919515 });
    expect(byId(r.observations, 'BV1Hk4y1B7Cx').title).toBe('【洛天依】2020.7.12洛天依生日会');
  });

  it('a /wbi/ search starts at nav (code -101 is normal there), then is signed with its keys', async () => {
    const s = await serve({
      '/x/web-interface/nav': { file: 'bilibili/nav.json', type: JSON_TYPE },
      '/x/web-interface/wbi/search/type': { file: 'bilibili/search-type-video.json', type: JSON_TYPE },
      '/x/v2/reply/wbi/main': { file: 'bilibili/reply-av2.json', type: JSON_TYPE },
    });
    const r = await crawl('bilibili', `${s.base}/x/web-interface/wbi/search/type?search_type=video&keyword=${KEYWORD}`, { params: { comments: '1', followers: 'false', searchPages: '1' }, maxPages: 5 });
    s.close();
    expect(r.errors).toEqual([]);
    checkContract(r.observations, 'bilibili');
    expect(s.hits[0]).toBe('/robots.txt');
    expect(s.hits[1]).toBe('/x/web-interface/nav');
    const search = new URL(s.hits.find((h) => h.includes('/wbi/search/type'))!, 'http://x');
    expect(search.searchParams.get('wts')).toBe(String(Math.floor(NOW.getTime() / 1000)));
    const keys = wbiKeysFrom('/7cd084941338484aae1ad9425b84077c.png', '/4932caff0ff746eab6f01bf08b70ac45.png')!;
    const resigned = new URL(signWbi(`http://x/x/web-interface/wbi/search/type?search_type=video&keyword=${KEYWORD}`, keys, NOW));
    expect(search.searchParams.get('w_rid')).toBe(resigned.searchParams.get('w_rid'));
    const comments = new URL(s.hits.find((h) => h.startsWith('/x/v2/reply/wbi/main'))!, 'http://x');
    expect(comments.searchParams.get('oid')).toBe('753839250');
    expect(comments.searchParams.get('w_rid')).toMatch(/^[0-9a-f]{32}$/);
    expect(r.observations.filter((o) => o.kind === 'comment').every((o) => o.parentId === 'BV1Hk4y1B7Cx')).toBe(true);
  });
});

describe('bilibili comments', () => {
  it('/x/v2/reply: comments with parent BV id (from the aid), author, level, likes, ctime; next page within commentPages', async () => {
    const s = await serve({ '/x/v2/reply': { file: 'bilibili/reply-av2.json', type: JSON_TYPE } });
    const r = await crawl('bilibili', `${s.base}/x/v2/reply?type=1&oid=2&sort=0&ps=5&pn=1`, { params: { commentPages: '2' }, maxPages: 2 });
    s.close();
    checkContract(r.observations, 'bilibili');
    expect(r.observations).toHaveLength(5);
    const c = byId(r.observations, '104192624480');
    expect(c).toMatchObject({
      kind: 'comment', parentId: 'BV1xx411c7mD', url: 'https://www.bilibili.com/video/BV1xx411c7mD#reply104192624480',
      author: { id: '621197713', name: '小鹿不跑路', verified: false }, publishedAt: '2022-03-02T07:18:27.000Z',
      metrics: { likes: 1, comments: 0 }, extra: { level: 4 },
    });
    expect(c.text).toMatch(/我小时候都在干什么啊\[大哭\]$/);
    expect(s.hits).toContain('/x/v2/reply?type=1&oid=2&sort=0&ps=5&pn=2');
  });

  it('replies shown under a comment become comments of the same video with replyTo (GUESSED nesting: real rows put into replies[] and hots[])', async () => {
    const body = JSON.parse(readFileSync(FIXTURES + 'bilibili/reply-av2.json', 'utf8'));
    const [a, b, c] = body.data.replies;
    body.data.replies = [{ ...a, rcount: 2, replies: [{ ...b, root: a.rpid, root_str: a.rpid_str, parent: a.rpid, parent_str: a.rpid_str }, { ...c, root: a.rpid, root_str: a.rpid_str, parent: b.rpid, parent_str: b.rpid_str }] }];
    body.data.hots = [a];
    const s = await serve({ '/x/v2/reply': { body: JSON.stringify(body), type: JSON_TYPE } });
    const r = await crawl('bilibili', `${s.base}/x/v2/reply?type=1&oid=2&pn=1`);
    s.close();
    checkContract(r.observations, 'bilibili');
    expect(r.observations.map((o) => o.id)).toEqual([a.rpid_str, b.rpid_str, c.rpid_str]);
    expect(byId(r.observations, b.rpid_str)).toMatchObject({ parentId: 'BV1xx411c7mD', extra: { replyTo: a.rpid_str } });
    expect(byId(r.observations, c.rpid_str).extra).toMatchObject({ replyTo: a.rpid_str, inReplyTo: b.rpid_str });
    expect(byId(r.observations, a.rpid_str).metrics?.comments).toBe(2);
  });

  it('comments closed (12002) is empty; risk control (-412, -352) is a blocked session (GUESSED error bodies, codes as documented)', async () => {
    const s = await serve({
      '/x/v2/reply': { body: '{"code":12002,"message":"评论区已关闭","ttl":1}', type: JSON_TYPE },
      '/x/web-interface/search/type': [
        { body: '{"code":-412,"message":"请求被拦截","ttl":1,"data":null}', type: JSON_TYPE, query: { keyword: 'a' } },
        { body: '{"code":-352,"message":"风控校验失败","ttl":1,"data":{"v_voucher":"voucher_x"}}', type: JSON_TYPE, query: { keyword: 'b' } },
      ],
    });
    const closed = await crawl('bilibili', `${s.base}/x/v2/reply?type=1&oid=2`);
    const a = await crawl('bilibili', `${s.base}/x/web-interface/search/type?search_type=video&keyword=a`);
    const b = await crawl('bilibili', `${s.base}/x/web-interface/search/type?search_type=video&keyword=b`);
    s.close();
    expect(closed.errors).toEqual([]);
    expect(closed.observations).toEqual([]);
    expect(a.blocked?.message).toMatch(/-412/);
    expect(b.blocked?.message).toMatch(/-352/);
  });

  it('an unknown path is a parse error naming the paths it knows', async () => {
    const s = await serve({ '/x/space/arc': { body: '{"code":0,"data":{}}', type: JSON_TYPE } });
    const r = await crawl('bilibili', `${s.base}/x/space/arc?mid=1`);
    s.close();
    expect(r.errors[0].error.name).toBe('ParseError');
    expect(r.errors[0].error.message).toMatch(/search\/type/);
  });
});
