// Contract tests for the hot-list adapters beside weibo-hot (baidu-hot, douyin-hot, zhihu-hot,
// bilibili-hot, toutiao-hot): real response bodies (trimmed; origins in tests/fixtures/<id>/SOURCE.md)
// served on 127.0.0.1 and crawled through the real runner and the real `crawl` command. Every
// item is a `trend` with id = title = text, rank top-level and in metrics (1 = top), heat in
// metrics.heat. Bodies whose shape had to be guessed are marked GUESSED where they are used.
import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { serve, crawl, checkContract, FIXTURES } from './serve-fixtures.js';
import { runCli } from '../../src/cli/main.js';
import { readEnv } from '../../src/config/env.js';
import type { Observation } from '../../src/core/observation.js';

const HOT = ['baidu-hot', 'douyin-hot', 'zhihu-hot', 'bilibili-hot', 'toutiao-hot'] as const;
const JSON_TYPE = 'application/json; charset=utf-8';
const ranks = (obs: Observation[]) => obs.map((o) => [o.id, o.rank, o.metrics?.heat ?? null]);

/** The trend shape the pipeline reads for every *-hot source (risk-model hotListName). */
function checkTrends(obs: Observation[], source: string): void {
  checkContract(obs, source);
  expect(obs.length).toBeGreaterThan(0);
  for (const o of obs) {
    expect(o.kind).toBe('trend');
    expect(o.title).toBe(o.id);
    expect(o.text).toBe(o.id);
    expect(o.metrics?.rank ?? null).toBe(o.rank ?? null);
    expect(o.url).toMatch(/^https:\/\//);
  }
}

describe('baidu-hot', () => {
  it('board JSON: ranks from the 0-based index, hotScore as heat, the search link, pinned entry left out', async () => {
    const s = await serve({ '/api/board': { file: 'baidu-hot/board-realtime.json', type: JSON_TYPE } });
    const r = await crawl('baidu-hot', `${s.base}/api/board?platform=wise&tab=realtime`);
    s.close();
    checkTrends(r.observations, 'baidu-hot');
    expect(r.observations).toHaveLength(10);
    expect(ranks(r.observations).slice(0, 3)).toEqual([['周冠宇第14名完赛后哭了', 1, 4910669], ['官方回应许美静演唱会全场喊退票', 2, 4871873], ['春天里的文化中国“生机勃勃”', 3, 4707949]]);
    const shrimp = r.observations.find((o) => o.id === '男子吐槽吃饭遇28元1只盐水虾刺客')!;
    expect(shrimp).toMatchObject({ rank: 4, url: 'https://www.baidu.com/s?wd=%E7%94%B7%E5%AD%90%E5%90%90%E6%A7%BD%E5%90%83%E9%A5%AD%E9%81%8728%E5%85%831%E5%8F%AA%E7%9B%90%E6%B0%B4%E8%99%BE%E5%88%BA%E5%AE%A2' });
    expect(shrimp.extra?.desc).toContain('商家回应');
    expect(r.observations.some((o) => o.id.startsWith('跟总书记'))).toBe(false);
  });

  it('includePinned=true adds the topContent entry with rank null', async () => {
    const s = await serve({ '/api/board': { file: 'baidu-hot/board-realtime.json', type: JSON_TYPE } });
    const r = await crawl('baidu-hot', `${s.base}/api/board?tab=realtime`, { params: { includePinned: 'true' } });
    s.close();
    checkTrends(r.observations, 'baidu-hot');
    expect(r.observations[0]).toMatchObject({ id: '跟总书记感悟传统文化中的生态理念', rank: null, extra: { pinned: true } });
    expect(r.observations).toHaveLength(11);
  });

  it('board page: the same state inside <!--s-data:...--> (GUESSED wrapper: a real board JSON put in a minimal page)', async () => {
    const s = await serve({ '/board': { file: 'baidu-hot/board-page.html', type: 'text/html; charset=utf-8' } });
    const r = await crawl('baidu-hot', `${s.base}/board?tab=realtime`);
    s.close();
    checkTrends(r.observations, 'baidu-hot');
    expect(ranks(r.observations)[9]).toEqual(['韶关江湾镇救援进行中', 10, 4024834]);
  });

  it('success:false and a page without state are parse errors, not empty lists', async () => {
    const s = await serve({
      '/api/board': { body: '{"success":false,"error":{"code":1,"message":"param error"}}', type: JSON_TYPE },
      '/board': { body: '<html><body>百度安全验证</body></html>' },
    });
    const a = await crawl('baidu-hot', `${s.base}/api/board?tab=realtime`);
    const b = await crawl('baidu-hot', `${s.base}/board?tab=realtime`);
    s.close();
    expect(a.errors[0].error.name).toBe('ParseError');
    expect(a.errors[0].error.message).toMatch(/param error/);
    expect(b.errors[0].error.message).toMatch(/s-data/);
  });
});

describe('douyin-hot', () => {
  it('word_list by position with hot_value as heat and the /hot/<sentence_id> page; rising topics left out', async () => {
    const s = await serve({ '/aweme/v1/web/hot/search/list/': { file: 'douyin-hot/hot-search-list.json', type: JSON_TYPE } });
    const r = await crawl('douyin-hot', `${s.base}/aweme/v1/web/hot/search/list/?device_platform=webapp&aid=6383&channel=channel_pc_web&detail_list=1`);
    s.close();
    checkTrends(r.observations, 'douyin-hot');
    expect(r.observations.map((o) => o.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(r.observations[5]).toMatchObject({ id: '台风“马力斯”登陆广东', rank: 6, metrics: { heat: 9404008 }, url: 'https://www.douyin.com/hot/1709975', extra: { sentenceId: '1709975', label: 3, views: 63535274 } });
    expect(r.observations.some((o) => o.id === '我们这一路走来不容易')).toBe(false); // trending_list
  });

  it('a pinned topic without a position (2021 body) is left out unless includePinned', async () => {
    const s = await serve({ '/aweme/v1/web/hot/search/list/': { file: 'douyin-hot/hot-search-list-2021.json', type: JSON_TYPE } });
    const a = await crawl('douyin-hot', `${s.base}/aweme/v1/web/hot/search/list/`);
    const b = await crawl('douyin-hot', `${s.base}/aweme/v1/web/hot/search/list/`, { params: { includePinned: 'true' } });
    s.close();
    checkTrends(a.observations, 'douyin-hot');
    expect(ranks(a.observations)).toEqual([['王友梅是谁', 1, 9104891], ['欧豪确实想了三秒钟', 2, 8350928], ['抖音回应袁隆平入驻', 3, 7997385]]);
    checkTrends(b.observations, 'douyin-hot');
    expect(b.observations[0]).toMatchObject({ id: '专题：关注新冠疫情最新动态', rank: null });
  });

  it('an empty answer gets the anonymous cookie from login_guiding_strategy, then reads the list with it (GUESSED: the empty body and the cookie name are what aggregators report)', async () => {
    const server = createServer((req, res) => {
      const u = new URL(req.url!, 'http://x');
      if (u.pathname === '/robots.txt') { res.writeHead(200); res.end('User-agent: *\nAllow: /\n'); return; }
      if (u.pathname === '/passport/general/login_guiding_strategy/') {
        res.writeHead(200, { 'content-type': JSON_TYPE, 'set-cookie': 'passport_csrf_token=abc123; Path=/; Max-Age=3600' });
        res.end('{"data":{},"message":"success"}');
        return;
      }
      if (u.pathname === '/aweme/v1/web/hot/search/list/') {
        const ok = /passport_csrf_token=abc123/.test(String(req.headers.cookie ?? ''));
        res.writeHead(200, { 'content-type': JSON_TYPE });
        res.end(ok ? readFileSync(FIXTURES + 'douyin-hot/hot-search-list.json') : '');
        return;
      }
      res.writeHead(404); res.end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const r = await crawl('douyin-hot', `${base}/aweme/v1/web/hot/search/list/?aid=6383`, { maxPages: 3 });
    const lone = await crawl('douyin-hot', `${base}/aweme/v1/web/hot/search/list/?aid=6383`, { maxPages: 1 });
    server.close();
    checkTrends(r.observations, 'douyin-hot');
    expect(r.observations).toHaveLength(11);
    expect(r.pages).toBe(3);
    expect(lone.observations).toHaveLength(0); // one page of budget: the empty answer only
  });

  it('status_code != 0 is a parse error naming it', async () => {
    const s = await serve({ '/aweme/v1/web/hot/search/list/': { body: '{"status_code":2154,"status_msg":"request too fast"}', type: JSON_TYPE } });
    const r = await crawl('douyin-hot', `${s.base}/aweme/v1/web/hot/search/list/`);
    s.close();
    expect(r.errors[0].error.message).toMatch(/status_code 2154/);
  });
});

describe('zhihu-hot', () => {
  it('www v3 body: title_area, "569 万热度" as heat, the question link', async () => {
    const s = await serve({ '/api/v3/feed/topstory/hot-lists/total': { file: 'zhihu-hot/hot-lists-total-web.json', type: JSON_TYPE } });
    const r = await crawl('zhihu-hot', `${s.base}/api/v3/feed/topstory/hot-lists/total?limit=50`);
    s.close();
    checkTrends(r.observations, 'zhihu-hot');
    expect(r.observations).toHaveLength(10);
    expect(r.observations[0]).toMatchObject({ id: '我们几千年前就蒸馒头蒸饭，为什么蒸汽机是外国人发明的呢？', rank: 1, metrics: { heat: 5_690_000 }, url: 'https://www.zhihu.com/question/2009448028797425642', extra: { answers: 483 } });
    expect(r.observations[4]).toMatchObject({ rank: 5, metrics: { heat: 2_260_000 }, extra: { label: 'hot' } });
  });

  it('app API body: target.title, detail_text, api.zhihu.com links turned into www question pages', async () => {
    const s = await serve({ '/topstory/hot-lists/total': { file: 'zhihu-hot/hot-lists-total-api.json', type: JSON_TYPE } });
    const r = await crawl('zhihu-hot', `${s.base}/topstory/hot-lists/total?limit=50`);
    s.close();
    checkTrends(r.observations, 'zhihu-hot');
    expect(r.observations).toHaveLength(12);
    expect(r.observations[0]).toMatchObject({ rank: 1, metrics: { heat: 28_080_000 }, url: 'https://www.zhihu.com/question/438486634' });
    expect(r.observations[11]).toMatchObject({ id: '如何看待拼多多通报公司一员工向主管请假回家，次日中午在家中自杀离世？发生了什么？', rank: 12, metrics: { heat: 5_600_000 } });
  });

  it('401 and an error object are a blocked session (GUESSED error body: {"error": {code, message}})', async () => {
    const s = await serve({ '/api/v3/feed/topstory/hot-lists/total': [
      { body: '{"error":{"code":40352,"message":"系统监测到您的网络环境存在异常"}}', type: JSON_TYPE, query: { limit: 'a' } },
      { body: '{"error":{"code":100,"message":"请求头或参数封装错误"}}', status: 401, type: JSON_TYPE, query: { limit: 'b' } },
    ] });
    const a = await crawl('zhihu-hot', `${s.base}/api/v3/feed/topstory/hot-lists/total?limit=a`);
    const b = await crawl('zhihu-hot', `${s.base}/api/v3/feed/topstory/hot-lists/total?limit=b`);
    s.close();
    expect(a.blocked?.message).toMatch(/40352/);
    expect(b.blocked?.name).toBe('BlockedError');
  });
});

describe('bilibili-hot', () => {
  it('hot words: pos as rank, show_name as the topic, keyword for the search link; no heat in this body', async () => {
    const s = await serve({ '/main/hotword': { file: 'bilibili-hot/hotword.json', type: JSON_TYPE } });
    const r = await crawl('bilibili-hot', `${s.base}/main/hotword?limit=30`);
    s.close();
    checkTrends(r.observations, 'bilibili-hot');
    expect(r.observations.map((o) => o.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(r.observations[3]).toMatchObject({ id: 'EDGJieJie已起诉多家企业', url: 'https://search.bilibili.com/all?keyword=EDG%20%E8%B5%B7%E8%AF%89', metrics: { heat: null }, extra: { keyword: 'EDG 起诉' } });
    expect(r.observations[4].id).toBe('隐入尘烟全平台下架');
  });

  it('search square: data.trending.list in order', async () => {
    const s = await serve({ '/x/web-interface/wbi/search/square': { file: 'bilibili-hot/search-square.json', type: JSON_TYPE } });
    const r = await crawl('bilibili-hot', `${s.base}/x/web-interface/wbi/search/square?limit=50`);
    s.close();
    checkTrends(r.observations, 'bilibili-hot');
    expect(ranks(r.observations)).toEqual([['马克龙祝贺中国世界前两名', 1, null], ['小孩电竞世界杯夺冠', 2, null], ['孙颖莎说我全勤下班了', 3, null], ['7月广东新冠新增一万余例', 4, null]]);
  });

  it('heat_score when the body has it (GUESSED item: fields from aggregator type definitions and a published one-item excerpt)', async () => {
    const body = JSON.stringify({ code: 0, exp_str: '_', list: [{ hot_id: 249305, keyword: '成都AG超玩会 上海EDG.M', show_name: '成都AG超玩会 vs 上海EDG.M 挑杯', score: 0, word_type: 7, goto_type: 0, goto_value: '', icon: '', live_id: [21144080], heat_layer: 'B', pos: 1, id: 1, resource_id: 21144080, heat_score: 6052483, stat_datas: { is_commercial: '0' } }] });
    const s = await serve({ '/main/hotword': { body, type: JSON_TYPE } });
    const r = await crawl('bilibili-hot', `${s.base}/main/hotword`);
    s.close();
    checkTrends(r.observations, 'bilibili-hot');
    expect(r.observations[0]).toMatchObject({ id: '成都AG超玩会 vs 上海EDG.M 挑杯', rank: 1, metrics: { heat: 6052483 } });
  });

  it('code -352 (risk control) is a blocked session; another non-zero code a parse error (GUESSED bodies)', async () => {
    const s = await serve({ '/x/web-interface/wbi/search/square': [
      { body: '{"code":-352,"message":"风控校验失败","ttl":1}', type: JSON_TYPE, query: { limit: '1' } },
      { body: '{"code":-400,"message":"请求错误","ttl":1}', type: JSON_TYPE, query: { limit: '2' } },
    ] });
    const a = await crawl('bilibili-hot', `${s.base}/x/web-interface/wbi/search/square?limit=1`);
    const b = await crawl('bilibili-hot', `${s.base}/x/web-interface/wbi/search/square?limit=2`);
    s.close();
    expect(a.blocked?.name).toBe('BlockedError');
    expect(b.blocked).toBeNull();
    expect(b.errors[0].error.message).toMatch(/code -400/);
  });

  const RANKING = new URL('../../../shared/data/pages/samples/bilibili__x-web-interface-ranking-v2.trimmed-excerpt.jsonc', import.meta.url).pathname;
  it.skipIf(!existsSync(RANKING))('hot video board (/ranking/v2, real excerpt read from ../shared): title, rank, views as heat, the video page', async () => {
    const body = readFileSync(RANKING, 'utf8').replace(/,(\s*[\]}])/g, '$1'); // the excerpt was cut after an item
    const s = await serve({ '/x/web-interface/ranking/v2': { body, type: JSON_TYPE } });
    const r = await crawl('bilibili-hot', `${s.base}/x/web-interface/ranking/v2?rid=0&type=all`);
    s.close();
    checkTrends(r.observations, 'bilibili-hot');
    expect(r.observations[0]).toMatchObject({ id: '神作之月！十年前的奇迹！新番时光机「2012年10月篇」', rank: 1, metrics: { heat: 1156543 }, url: 'https://www.bilibili.com/video/BV1Eg411v7a1', extra: { author: '泛式' } });
  });
});

describe('toutiao-hot', () => {
  it('data[] in order, HotValue as heat, the topic page without tracking query, label kept', async () => {
    const s = await serve({ '/hot-event/hot-board/': { file: 'toutiao-hot/hot-board.json', type: JSON_TYPE } });
    const r = await crawl('toutiao-hot', `${s.base}/hot-event/hot-board/?origin=toutiao_pc`);
    s.close();
    checkTrends(r.observations, 'toutiao-hot');
    expect(r.observations).toHaveLength(7);
    expect(r.observations[4]).toMatchObject({ id: '女局长被指出轨多人 当地成立调查组', rank: 5, metrics: { heat: 16800972 }, url: 'https://www.toutiao.com/trending/7694619806313483818/', extra: { label: '新进展', clusterId: '7694619806313483818' } });
    expect(r.observations[2].url).toBe('https://www.toutiao.com/article/7694225534921802240');
    expect(r.observations.some((o) => o.id === '从“半条被子”到幸福日子')).toBe(false);
  });

  it('includePinned=true adds fixed_top_data with rank null; status other than success is a parse error', async () => {
    const s = await serve({ '/hot-event/hot-board/': [
      { file: 'toutiao-hot/hot-board.json', type: JSON_TYPE, query: { origin: 'toutiao_pc' } },
      { body: '{"data":[],"status":"failed"}', type: JSON_TYPE, query: { origin: 'x' } },
    ] });
    const a = await crawl('toutiao-hot', `${s.base}/hot-event/hot-board/?origin=toutiao_pc`, { params: { includePinned: 'true' } });
    const b = await crawl('toutiao-hot', `${s.base}/hot-event/hot-board/?origin=x`);
    s.close();
    checkTrends(a.observations, 'toutiao-hot');
    expect(a.observations[0]).toMatchObject({ id: '从“半条被子”到幸福日子', rank: null, url: 'https://www.toutiao.com/article/7694560024881938978/' });
    expect(b.errors[0].error.message).toMatch(/status "failed"/);
  });
});

describe('`flarewatch crawl --type <hot list> --url <fixture>`', () => {
  const cases: Record<(typeof HOT)[number], [string, string]> = {
    'baidu-hot': ['/api/board', 'baidu-hot/board-realtime.json'],
    'douyin-hot': ['/aweme/v1/web/hot/search/list/', 'douyin-hot/hot-search-list.json'],
    'zhihu-hot': ['/api/v3/feed/topstory/hot-lists/total', 'zhihu-hot/hot-lists-total-web.json'],
    'bilibili-hot': ['/main/hotword', 'bilibili-hot/hotword.json'],
    'toutiao-hot': ['/hot-event/hot-board/', 'toutiao-hot/hot-board.json'],
  };
  it.each(HOT)('%s writes trend observations as JSON Lines', async (id) => {
    const [path, file] = cases[id];
    const s = await serve({ [path]: { file, type: JSON_TYPE } });
    const out = join(mkdtempSync(join(tmpdir(), 'fw-hot-')), 'obs.jsonl');
    let err = '';
    const sink = new Writable({ write(c, _e, cb) { err += c.toString(); cb(); } });
    const code = await runCli(['crawl', '--type', id, '--url', `${s.base}${path}`, '--min-interval', '0', '--out', out], { stdout: sink, stderr: sink, env: readEnv({}) });
    s.close();
    expect(code, err).toBe(0);
    const obs = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Observation);
    expect(obs.length).toBeGreaterThanOrEqual(7);
    for (const o of obs) expect(o).toMatchObject({ source: id, kind: 'trend', rank: expect.any(Number), metrics: { rank: o.rank } });
    expect(obs[0].rank).toBe(1);
  });
});
