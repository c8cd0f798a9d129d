// Contract tests for the kuaishou adapter on GraphQL answers served directly. Both bodies are
// GUESSED (tests/fixtures/kuaishou/SOURCE.md): shapes from public clients' field lists, made-up
// content. The browser-session path is the same machinery as xhs (tests/crawl/browser-session.test.ts).
import { describe, it, expect } from 'vitest';
import { serve, crawl, checkContract } from './serve-fixtures.js';
import { getAdapter } from '../../src/crawl/registry.js';

const JSON_TYPE = 'application/json; charset=utf-8';

describe('kuaishou GraphQL answers (GUESSED shapes)', () => {
  it('visionSearchPhoto: videos with caption, author, likes, views like 86.3万, ms timestamps', async () => {
    const s = await serve({ '/graphql': { file: 'kuaishou/graphql-search.json', type: JSON_TYPE } });
    const r = await crawl('kuaishou', `${s.base}/graphql?op=visionSearchPhoto`);
    s.close();
    checkContract(r.observations, 'kuaishou');
    expect(r.observations.map((o) => o.id)).toEqual(['3xguessedphoto01', '3xguessedphoto02']);
    expect(r.observations[0]).toMatchObject({
      kind: 'post', url: 'https://www.kuaishou.com/short-video/3xguessedphoto01', author: { id: '3xguessedauthor1', name: 'GUESSED美食探店' },
      publishedAt: '2024-08-05T23:20:00.000Z', metrics: { likes: 12034, views: 863000, comments: 532, reposts: 211 },
    });
    expect(r.observations[1].metrics).toMatchObject({ likes: 356, views: 21000 });
  });

  it('visionCommentList: comments and replies under the video named by ?photoId=', async () => {
    const s = await serve({ '/graphql': { file: 'kuaishou/graphql-comments.json', type: JSON_TYPE } });
    const r = await crawl('kuaishou', `${s.base}/graphql?photoId=3xguessedphoto01`);
    const bad = await crawl('kuaishou', `${s.base}/graphql`);
    s.close();
    checkContract(r.observations, 'kuaishou');
    expect(r.observations.map((o) => [o.id, o.parentId, o.extra?.replyTo ?? null])).toEqual([
      ['guessedc001', '3xguessedphoto01', null], ['guessedc002', '3xguessedphoto01', 'guessedc001'], ['guessedc003', '3xguessedphoto01', null],
    ]);
    expect(r.observations[0]).toMatchObject({ metrics: { likes: 88, comments: 1 }, author: { id: 'guesseda001', name: 'GUESSED网友甲' } });
    expect(bad.errors[0].error.message).toMatch(/needs the video/);
  });

  it('result 2 (log in) is a blocked session; a search page starts a browser session', async () => {
    const s = await serve({ '/graphql': { body: '{"data":{"visionSearchPhoto":{"result":2,"feeds":[]}}}', type: JSON_TYPE } });
    const r = await crawl('kuaishou', `${s.base}/graphql`);
    s.close();
    expect(r.blocked?.message).toMatch(/result 2/);
    const a = await getAdapter('kuaishou');
    const [req] = a.start!('https://www.kuaishou.com/search/video?searchKey=x', a.params.parse({}));
    expect(req).toMatchObject({ render: true, meta: { session: { site: 'kuaishou', account: 'default', capture: ['/graphql'] } } });
  });
});
