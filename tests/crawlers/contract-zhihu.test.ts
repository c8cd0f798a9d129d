// Contract tests for the zhihu adapter. Answer objects are real (a captured api.zhihu.com
// recommend-feed page, trimmed; tests/fixtures/zhihu/SOURCE.md); the search_v3 envelope, the
// question-feeds wrapper and the comment_v5 body are GUESSED from public field lists and say so
// where they are used. Served on 127.0.0.1 and crawled through the real runner.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { serve, crawl, checkContract, FIXTURES } from './serve-fixtures.js';
import type { Observation } from '../../src/core/observation.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const byId = (xs: Observation[], id: string) => xs.find((x) => x.id === id)!;
const fixture = (f: string) => JSON.parse(readFileSync(FIXTURES + 'zhihu/' + f, 'utf8'));

describe('zhihu answers', () => {
  it('recommend feed (real answers): question as title, HTML content as text, followers, votes, views, created_time', async () => {
    const s = await serve({ '/topstory/recommend': { file: 'zhihu/topstory-recommend.json', type: JSON_TYPE } });
    const r = await crawl('zhihu', `${s.base}/topstory/recommend?action=down`, { params: { comments: '0' } });
    s.close();
    checkContract(r.observations, 'zhihu');
    expect(r.observations.map((o) => o.id)).toEqual(['2800738900', '1341620111']);
    const a = byId(r.observations, '1341620111');
    expect(a).toMatchObject({
      kind: 'post', title: '清华保安是如何快速分辨是否是本校学生？', url: 'https://www.zhihu.com/question/23165130/answer/1341620111',
      author: { id: 'e402a34589a4324957b37e853894bd02', name: '改个名还得审核', followers: 894 },
      publishedAt: '2020-07-16T03:57:57.000Z', metrics: { likes: 39967, comments: 698, views: 4597501 },
      extra: { questionId: '23165130', thanks: 4206, favorites: 2332 },
    });
    expect(a.text).toContain('同学，可以向你请教一下海森堡不确定原理吗？');
    expect(a.text).not.toMatch(/<p|data-pid/);
    expect(byId(r.observations, '2800738900').text).toMatch(/^在达州市第二人民医院做的近视手术/);
  });

  it('follows the comments of the top answers (comment_v5) and the next listing page on the crawled origin', async () => {
    const s = await serve({
      '/topstory/recommend': { file: 'zhihu/topstory-recommend.json', type: JSON_TYPE },
      '/api/v4/comment_v5/answers/2800738900/root_comment': { file: 'zhihu/comment-v5-root.json', type: JSON_TYPE },
      '/api/v4/comment_v5/answers/1341620111/root_comment': { file: 'zhihu/comment-v5-root.json', type: JSON_TYPE },
    });
    const r = await crawl('zhihu', `${s.base}/topstory/recommend?action=down`, { params: { comments: '1' }, maxPages: 5 });
    s.close();
    checkContract(r.observations, 'zhihu');
    expect(s.hits.filter((h) => h.includes('root_comment'))).toEqual(['/api/v4/comment_v5/answers/2800738900/root_comment?order_by=score&limit=20&offset=']);
    expect(s.hits).toContain('/topstory/recommend?action=down&after_id=31&page_number=2');
    expect(r.observations.filter((o) => o.kind === 'comment').every((o) => o.parentId === '2800738900')).toBe(true);
  });

  it('question feeds: data[].target answers, anonymous author without id (GUESSED wrapper: real answers put in question_feed_card items)', async () => {
    const feed = fixture('topstory-recommend.json');
    const body = { data: feed.data.map((it: { target: unknown }) => ({ type: 'question_feed_card', target_type: 'answer', target: it.target })), paging: { is_end: true } };
    body.data[0].target.author = { id: '0', name: '匿名用户', url_token: '', follower_count: 0, type: 'people' };
    const s = await serve({ '/api/v4/questions/293897078/feeds': { body: JSON.stringify(body), type: JSON_TYPE } });
    const r = await crawl('zhihu', `${s.base}/api/v4/questions/293897078/feeds?limit=5`, { params: { comments: '0' } });
    s.close();
    checkContract(r.observations, 'zhihu');
    expect(r.observations).toHaveLength(2);
    expect(byId(r.observations, '2800738900').author).toEqual({ id: null, name: '匿名用户', followers: 0, verified: null });
  });
});

describe('zhihu search and comments', () => {
  it('search_v3: search_result objects as posts (GUESSED envelope around a real answer)', async () => {
    const s = await serve({ '/api/v4/search_v3': { file: 'zhihu/search-v3.json', type: JSON_TYPE } });
    const r = await crawl('zhihu', `${s.base}/api/v4/search_v3?t=general&q=%E6%B8%85%E5%8D%8E%E4%BF%9D%E5%AE%89&offset=0&limit=20`, { params: { comments: '0', listPages: '2' }, maxPages: 1 });
    s.close();
    checkContract(r.observations, 'zhihu');
    expect(r.observations).toHaveLength(1);
    expect(r.observations[0]).toMatchObject({ id: '1341620111', title: '清华保安是如何快速分辨是否是本校学生？', metrics: { likes: 39967 } });
  });

  it('comment_v5 root comments with replies, IP location, verified organisation, next page (GUESSED body from public field lists)', async () => {
    const s = await serve({ '/api/v4/comment_v5/answers/2800738900/root_comment': { file: 'zhihu/comment-v5-root.json', type: JSON_TYPE } });
    const r = await crawl('zhihu', `${s.base}/api/v4/comment_v5/answers/2800738900/root_comment?order_by=score&limit=20&offset=`, { params: { commentPages: '2' }, maxPages: 2 });
    s.close();
    checkContract(r.observations, 'zhihu');
    expect(r.observations.map((o) => o.id)).toEqual(['comment-10700000001', 'comment-10700000002', 'comment-10700000003']);
    expect(byId(r.observations, 'comment-10700000001')).toMatchObject({
      kind: 'comment', parentId: '2800738900', url: 'https://www.zhihu.com/answer/2800738900', publishedAt: '2022-12-14T06:40:00.000Z',
      metrics: { likes: 42, comments: 2 }, extra: { location: '四川', dislikes: 1 },
    });
    expect(byId(r.observations, 'comment-10700000001').text).toBe('GUESSED 评论：同一家医院，我也遇到过隐瞒病情的情况');
    expect(byId(r.observations, 'comment-10700000002').extra).toMatchObject({ replyTo: 'comment-10700000001', location: '北京' });
    expect(byId(r.observations, 'comment-10700000003').author).toMatchObject({ name: 'GUESSED机构号', verified: true });
    expect(s.hits).toContain('/api/v4/comment_v5/answers/2800738900/root_comment?order_by=score&limit=20&offset=10700000003_1_20');
  });

  it('an error body and 403 are a blocked session (GUESSED error body, shaped like the zhihu-hot one)', async () => {
    const s = await serve({
      '/api/v4/search_v3': [
        { body: '{"error":{"message":"请求参数异常，请升级客户端后重试","code":10003}}', type: JSON_TYPE, query: { q: 'a' } },
        { body: '{"error":{"code":40362}}', status: 403, type: JSON_TYPE, query: { q: 'b' } },
      ],
    });
    const a = await crawl('zhihu', `${s.base}/api/v4/search_v3?t=general&q=a`);
    const b = await crawl('zhihu', `${s.base}/api/v4/search_v3?t=general&q=b`);
    s.close();
    expect(a.blocked?.message).toMatch(/10003/);
    expect(b.blocked).not.toBeNull();
  });
});

describe('zhihu re-observation', () => {
  it('an answer is re-observed from /api/v4/answers/{id} (the real answer object served alone)', async () => {
    const answer = fixture('topstory-recommend.json').data[1].target;
    const s = await serve({ '/api/v4/answers/1341620111': { body: JSON.stringify(answer), type: JSON_TYPE } });
    const { getAdapter } = await import('../../src/crawl/registry.js');
    const url = (await getAdapter('zhihu')).reobserveUrl!({ id: '1341620111' }, {}, `${s.base}/api/v4/questions/23165130/feeds`)!;
    const r = await crawl('zhihu', url);
    s.close();
    checkContract(r.observations, 'zhihu');
    expect(r.observations).toHaveLength(1);
    expect(r.observations[0]).toMatchObject({ id: '1341620111', metrics: { likes: 39967, comments: 698 } });
  });
});
