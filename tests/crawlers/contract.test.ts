// Contract test per adapter: real-shaped fixtures served on 127.0.0.1, crawled through the real
// runner (HTTP, robots.txt, decoding), checking ids, links, dates, metrics and follow-ups.
import { describe, it, expect } from 'vitest';
import { serve, crawl, checkContract, NOW } from './serve-fixtures.js';
import { loadAdapters } from '../../src/crawl/registry.js';

const byId = <T extends { id: string }>(xs: T[], id: string) => xs.find((x) => x.id === id)!;

describe('adapter registry', () => {
  it('finds every adapter of the contract, each with a typed definition', async () => {
    const all = await loadAdapters();
    expect([...all.keys()].sort()).toEqual(['appstore', 'baidu-hot', 'bilibili', 'bilibili-hot', 'browser', 'dianping', 'discuz', 'douyin', 'douyin-hot', 'heimao', 'hn', 'kuaishou', 'reddit', 'rss', 'tieba', 'toutiao-hot', 'web', 'wechat', 'weibo', 'weibo-hot', 'xhs', 'zhihu', 'zhihu-hot']);
    for (const a of all.values()) {
      expect(a.description.length).toBeGreaterThan(10);
      expect(() => new URL(a.example.split(' ')[0])).not.toThrow();
      expect(Array.isArray(a.features.requireConfig)).toBe(true);
    }
  });
});

describe('weibo', () => {
  it('search page: posts, reposts with their original, long text from /statuses/extend, counts like 1.2万', async () => {
    const s = await serve({
      '/api/container/getIndex': { file: 'weibo/search.json', type: 'application/json; charset=utf-8' },
      '/statuses/extend': { file: 'weibo/extend.json', type: 'application/json' },
    });
    const r = await crawl('weibo', `${s.base}/api/container/getIndex?containerid=100103type%3D1%26q%3D星河乳业&page_type=searchall`, { maxPages: 2 });
    s.close();
    checkContract(r.observations, 'weibo');
    const p = byId(r.observations, '4990000000000001');
    expect(p.text).toContain('客服至今不回复'); // long text merged in
    expect(p.text).toContain('[怒]');
    expect(p.text).not.toContain('全文');
    expect(p.metrics).toMatchObject({ reposts: 12500, comments: 360, likes: 1000001 });
    expect(p.author).toMatchObject({ id: '6000000001', followers: 34000, verified: false });
    expect(p.publishedAt).toBe(new Date(NOW.getTime() - 5 * 60_000).toISOString());
    const rt = byId(r.observations, '4990000000000002');
    expect(rt).toMatchObject({ kind: 'repost', parentId: '4990000000000003', publishedAt: '2019-06-15T03:44:46.000Z' });
    expect(byId(r.observations, '4990000000000003').publishedAt).toBe('2024-08-06T00:30:00.000Z'); // 今天 08:30 in Shanghai
    expect(s.hits.some((h) => h.startsWith('/statuses/extend?id=4990000000000001'))).toBe(true);
  });

  it('comments (hotflow) with nested replies, and reposts timeline', async () => {
    const s = await serve({
      '/comments/hotflow': { file: 'weibo/hotflow.json', type: 'application/json' },
      '/api/statuses/repostTimeline': { file: 'weibo/repost-timeline.json', type: 'application/json' },
    });
    const c = await crawl('weibo', `${s.base}/comments/hotflow?id=4990000000000001&mid=4990000000000001&max_id_type=0`);
    const rp = await crawl('weibo', `${s.base}/api/statuses/repostTimeline?id=4990000000000001&page=1`);
    s.close();
    checkContract(c.observations, 'weibo');
    expect(c.observations.map((o) => o.kind)).toEqual(['comment', 'comment']);
    expect(c.observations[0]).toMatchObject({ id: '4990000000000101', parentId: '4990000000000001', text: '我家也是[哭]', metrics: { likes: 42 } });
    expect(c.observations[1].text).toBe('回复@网友A:同样');
    checkContract(rp.observations, 'weibo');
    expect(rp.observations[0]).toMatchObject({ kind: 'repost', parentId: '4990000000000001', author: { followers: 11000 } });
  });

  it('ok:-100 and HTTP 418 are a blocked session', async () => {
    const s = await serve({ '/api/container/getIndex': [{ file: 'weibo/blocked.json', type: 'application/json', query: { containerid: 'a' } }, { body: '', status: 418, query: { containerid: 'b' } }] });
    const a = await crawl('weibo', `${s.base}/api/container/getIndex?containerid=a`);
    const b = await crawl('weibo', `${s.base}/api/container/getIndex?containerid=b`);
    s.close();
    expect(a.blocked?.name).toBe('BlockedError');
    expect(b.blocked?.name).toBe('BlockedError');
  });
});

describe('weibo-hot', () => {
  it('gives trend items with heat and rank, without ads', async () => {
    const s = await serve({ '/ajax/side/hotSearch': { file: 'weibo-hot/hotsearch.json', type: 'application/json' } });
    const r = await crawl('weibo-hot', `${s.base}/ajax/side/hotSearch`);
    s.close();
    checkContract(r.observations, 'weibo-hot');
    expect(r.observations.map((o) => [o.kind, o.id, o.metrics?.rank, o.metrics?.heat])).toEqual([['trend', '星河乳业 腹泻', 1, 2583421], ['trend', '周末天气', 3, 120000]]);
  });
});

describe('tieba', () => {
  it('forum list hidden in comments, then the thread page (floors) on the same budget', async () => {
    const s = await serve({ '/f': { file: 'tieba/list.html' }, '/p/8800000001': { file: 'tieba/thread.html' } });
    const r = await crawl('tieba', `${s.base}/f?kw=星河乳业&ie=utf-8&pn=0`, { maxPages: 2 });
    s.close();
    checkContract(r.observations, 'tieba');
    const t = byId(r.observations, '140000000001');
    expect(t).toMatchObject({ kind: 'post', title: '星河牛奶喝出异物，有人遇到吗', author: { name: '小王' }, publishedAt: '2024-08-05T08:56:00.000Z' });
    expect(t.text).toBe('今天早上打开一盒，里面有黑色颗粒\n已经拍照留证');
    expect(t.metrics?.comments).toBe(57);
    expect(byId(r.observations, '140000000010')).toMatchObject({ kind: 'comment', parentId: '140000000001', author: { name: '老李' } });
    expect(byId(r.observations, '140000000002').publishedAt).toBe('2024-03-13T16:00:00.000Z'); // "3-14"
  });
});

describe('discuz', () => {
  it('Discuz! X list served as GBK under a lying charset=utf-8 header', async () => {
    const s = await serve({ '/forum-2-1.html': { file: 'discuz/forumdisplay-x.html', encodeAs: 'gbk', type: 'text/html; charset=utf-8' } });
    const r = await crawl('discuz', `${s.base}/forum-2-1.html`);
    s.close();
    checkContract(r.observations, 'discuz');
    expect(r.observations.map((o) => o.id).sort()).toEqual(['1001', '2002', '2003']);
    const t = byId(r.observations, '2002');
    expect(t).toMatchObject({ title: '星河酸奶胀包，商家拒绝退货', author: { id: '2048', name: '维权小张' }, metrics: { comments: 48, views: 1999 }, publishedAt: '2024-08-04T16:00:00.000Z' });
    expect(t.url).toBe(`${s.base}/thread-2002-1-1.html`);
  });

  it('Discuz! 7 thread page in GBK with a meta charset: first floor is the post, replies are comments', async () => {
    const s = await serve({ '/viewthread.php': { file: 'discuz/viewthread-7.html', encodeAs: 'gbk', type: 'text/html' } });
    const r = await crawl('discuz', `${s.base}/viewthread.php?tid=2002`);
    s.close();
    checkContract(r.observations, 'discuz');
    expect(r.observations[0]).toMatchObject({ kind: 'post', id: '2002', title: '星河酸奶胀包，商家拒绝退货', author: { name: '维权小张', id: '2048' }, publishedAt: '2024-08-05T02:02:00.000Z' });
    expect(r.observations[1]).toMatchObject({ kind: 'comment', id: 'p30002', parentId: '2002' });
    expect(r.observations[0].text).toContain('拒绝退货。 有同样情况的吗？');
  });
});

describe('heimao', () => {
  it('list API gives complaints with company, demand, status and amount', async () => {
    const s = await serve({ '/api/index/s': { file: 'heimao/list.json', type: 'application/json' } });
    const r = await crawl('heimao', `${s.base}/api/index/s?keywords=星河&page_size=10&page=1`);
    s.close();
    checkContract(r.observations, 'heimao');
    expect(r.observations[0]).toMatchObject({ id: '17390000001', title: '星河乳业酸奶胀包拒绝退款', url: 'https://tousu.sina.com.cn/complaint/view/17390000001/', extra: { company: '星河乳业', demand: '退款,赔偿', status: '处理中', amount: 259 } });
    expect(r.observations[0].publishedAt).toBe('2024-08-05T02:00:00.000Z');
  });
  it('complaint page', async () => {
    const s = await serve({ '/complaint/view/17390000001/': { file: 'heimao/complaint.html' } });
    const r = await crawl('heimao', `${s.base}/complaint/view/17390000001/`);
    s.close();
    checkContract(r.observations, 'heimao');
    expect(r.observations[0].extra).toMatchObject({ company: '星河乳业', issue: '产品质量问题，拒绝退款', demand: '退款,赔偿', amount: 259, status: '处理中' });
  });
});

describe('dianping (rendered)', () => {
  it('reviews with stars from the rendered page', async () => {
    const s = await serve({ '/shop/H4cB/review_all': { file: 'dianping/reviews.html' } });
    const r = await crawl('dianping', `${s.base}/shop/H4cB/review_all`);
    s.close();
    checkContract(r.observations, 'dianping');
    expect(r.observations.map((o) => [o.id, o.rating, o.parentId])).toEqual([['800000001', 1, 'H4cB'], ['800000002', 5, 'H4cB']]);
    expect(r.observations[0].text).toContain('务员态度也很差');
    expect(r.observations[0].text).not.toContain('展开评价');
    expect(r.observations[1].publishedAt).toBe('2024-08-02T16:00:00.000Z');
  });
});

describe('appstore', () => {
  it('reviews with ratings and the next page', async () => {
    const s = await serve({ '/cn/rss/customerreviews/page=1/id=414478124/sortby=mostrecent/json': { file: 'appstore/reviews.json', type: 'application/json' } });
    const r = await crawl('appstore', `${s.base}/cn/rss/customerreviews/page=1/id=414478124/sortby=mostrecent/json`, { maxPages: 2 });
    s.close();
    checkContract(r.observations, 'appstore');
    expect(r.observations.map((o) => [o.kind, o.id, o.rating])).toEqual([['review', '11000000001', 1], ['review', '11000000002', 5]]);
    expect(r.observations[0]).toMatchObject({ title: '更新后闪退', parentId: '414478124', publishedAt: '2024-08-05T09:10:11.000Z', extra: { version: '5.2.1' } });
  });
});

describe('reddit', () => {
  it('listing posts with comments and score, and the after= page', async () => {
    const s = await serve({ '/r/China/new.json': { file: 'reddit/listing.json', type: 'application/json' } });
    const r = await crawl('reddit', `${s.base}/r/China/new.json?limit=2`, { maxPages: 2 });
    s.close();
    checkContract(r.observations, 'reddit');
    expect(byId(r.observations, '1ep0001')).toMatchObject({ title: 'Xinghe Dairy recall & refunds?', metrics: { comments: 14, likes: 230 }, publishedAt: '2024-08-05T02:00:00.000Z' });
    expect(byId(r.observations, '1ep0002').author).toBeNull();
    expect(s.hits).toContain('/r/China/new.json?limit=2&after=t3_1ep0002');
  });
});

describe('hn', () => {
  it('Algolia search hits (stories and comments) and an item tree', async () => {
    const s = await serve({ '/api/v1/search_by_date': { file: 'hn/search.json', type: 'application/json' }, '/api/v1/items/41160001': { file: 'hn/item.json', type: 'application/json' } });
    const a = await crawl('hn', `${s.base}/api/v1/search_by_date?query=outage`);
    const b = await crawl('hn', `${s.base}/api/v1/items/41160001`);
    s.close();
    checkContract(a.observations, 'hn');
    expect(a.observations.map((o) => [o.kind, o.id])).toEqual([['post', '41160001'], ['comment', '41160050']]);
    expect(a.observations[1]).toMatchObject({ parentId: '41160001', text: 'Their status page says all systems operational.\nAgain.' });
    checkContract(b.observations, 'hn');
    expect(b.observations.map((o) => [o.kind, o.id, o.parentId ?? null])).toEqual([['post', '41160001', null], ['comment', '41160050', '41160001'], ['comment', '41160060', '41160001']]);
    expect(b.observations[0].metrics).toMatchObject({ likes: 415, comments: 2 });
  });
});

describe('rss', () => {
  it('JSON Feed and Atom', async () => {
    const s = await serve({ '/feed.json': { file: 'rss/feed.json', type: 'application/feed+json' }, '/atom.xml': { file: 'rss/atom.xml', type: 'application/atom+xml' } });
    const j = await crawl('rss', `${s.base}/feed.json`);
    const a = await crawl('rss', `${s.base}/atom.xml`);
    s.close();
    checkContract(j.observations, 'rss');
    expect(j.observations[0]).toMatchObject({ id: 'https://news.example.cn/a/1', text: '星河乳业今日发布声明—正在调查。', author: { name: '记者 王五' }, publishedAt: '2024-08-05T10:00:00.000Z' });
    expect(j.observations[1]).toMatchObject({ id: '2', title: null, text: '没有标题的短讯' });
    checkContract(a.observations, 'rss');
    expect(a.observations[0]).toMatchObject({ title: 'Dairy recall', url: `${s.base}/2024/08/05/recall`, text: 'Some [smile] text.', author: { name: 'Jane' } });
  });
});

describe('web and browser (selectors)', () => {
  const params = { item: 'article.news', title: 'h2', text: '.summary', link: 'h2 a@href', id: '@data-id', author: '.by', date: 'time@datetime', likes: '.likes', next: 'a.next' };
  it('web: static page by CSS selectors, with the next page', async () => {
    const s = await serve({ '/news': { file: 'web/news.html' } });
    const r = await crawl('web', `${s.base}/news`, { params });
    s.close();
    checkContract(r.observations, 'web');
    expect(r.observations[0]).toMatchObject({ id: 'n1', title: '星河乳业召回部分批次酸奶', url: `${s.base}/news/1.html`, author: { name: '新华网' }, publishedAt: '2024-08-05T01:00:00.000Z', metrics: { likes: 12000 } });
  });
  it('browser: same selectors after rendering', async () => {
    const s = await serve({ '/news': { file: 'web/news.html' } });
    const r = await crawl('browser', `${s.base}/news`, { params });
    s.close();
    checkContract(r.observations, 'browser');
    expect(r.observations.map((o) => o.id)).toEqual(['n1', 'n2']);
  });
  it('web without an item selector is a clear parameter error', async () => {
    await expect(crawl('web', 'http://127.0.0.1:9/x', { params: {} })).rejects.toThrow(/item/);
  });
});
