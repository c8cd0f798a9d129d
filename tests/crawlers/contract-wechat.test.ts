// Contract tests for the wechat adapter (Sogou's WeChat search and mp.weixin.qq.com articles),
// served on 127.0.0.1 and crawled through the real runner. REAL bodies (tests/fixtures/wechat/
// SOURCE.md): a 2017 Sogou result page, Sogou's anti-spider captcha page, a 2018 article page and
// an expired-link page. GUESSED shapes, said so where used: the post-2019 result page (/link?url=
// links, span.all-time-y2), the /link redirect page, a post-2020 article page, WeChat's
// "环境异常" verification page.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { serve, crawl, checkContract, FIXTURES } from './serve-fixtures.js';
import { ChallengeError } from '../../src/crawl/errors.js';
import { accountVerdict } from '../../src/crawl/account-pool.js';
import { applyOutcome, initialStatus } from '../../src/crawl/source-health.js';
import { runCli } from '../../src/cli/main.js';
import { readEnv } from '../../src/config/env.js';
import type { Observation } from '../../src/core/observation.js';
import { articleId, titleKey } from '../../crawlers/wechat.js';

const HTML = 'text/html; charset=utf-8';
const SEARCH = '/weixin?type=2&query=%E9%AB%98%E8%80%83&ie=utf8&page=1';
const byTitle = (xs: Observation[], t: string) => xs.find((x) => x.title === t)!;

describe('wechat: Sogou article search', () => {
  it('real 2017 result page: titles, accounts, summaries, unix times (Asia/Shanghai) to ISO, links, no metrics', async () => {
    const s = await serve({ '/weixin': { file: 'wechat/search-article-2017.html', type: HTML } });
    const r = await crawl('wechat', `${s.base}${SEARCH}`);
    s.close();
    checkContract(r.observations, 'wechat');
    expect(r.blocked).toBeNull();
    expect(r.observations.map((o) => o.title)).toEqual([
      '高考有多重要,为什么要重视高考?丨微观点',
      '高考:穷人考不好,中产考状元,精英不高考',
      '刚刚,高考“满分”诞生了!(附各省高考分数线)',
      '高考学霸榜出炉!义乌最高分是她!排名...',
    ]);
    const first = byTitle(r.observations, '高考有多重要,为什么要重视高考?丨微观点');
    expect(first).toMatchObject({
      kind: 'post', author: { id: null, name: '占豪', verified: false },
      // t="1498908951": 2017-07-01 19:35:51 in Shanghai
      publishedAt: '2017-07-01T11:35:51.000Z',
      url: 'http://mp.weixin.qq.com/s?src=3&timestamp=1500052504&ver=1&signature=VqOGyWi-x1lMTuPd2nEa4u9ciwJKaw-qjgY1xwlrGpS15jsRtV-cBQiBkI5hnDOrSauHm1M-q38W5sSvZ*ipV7qB*2idqmFe*8bYpIxznUtFGPwLlgvjL36cNwsEM4n6FqSFTs3EMbkwDXF3mfwDo2UBDrOtxHfdhjHj-yT7ocM=',
      text: '针对这个问题,其实占豪已经谈过,但还是想借高考之后、借这位小战友的留言,结合自己的人生经验,谈谈个人对这件事的看法....',
      extra: { sogouDocId: 'ab735a258a90e8e1-6bee54fcbd896b2a-83cfcd22fbb11285d4fbcc20fbf0e3aa', sogouAccountId: 'oIWsFt8nKJlpLQbQ5H9NMPBjxup8' },
    });
    expect(first.id).toBe(articleId('占豪', first.title!, 1498908951));
    expect(first).not.toHaveProperty('metrics'); // Sogou shows no counts: none rather than zeros
    const second = byTitle(r.observations, '高考:穷人考不好,中产考状元,精英不高考');
    expect(second).toMatchObject({ author: { name: '才华有限青年', verified: true }, publishedAt: '2017-06-30T14:35:40.000Z' });
    expect(second.text).toContain('“农村地区的...'); // &ldquo; decoded
    // a three-picture item keeps its hidden summary
    expect(byTitle(r.observations, '刚刚,高考“满分”诞生了!(附各省高考分数线)')).toMatchObject({ author: { name: '光明网' }, publishedAt: '2017-06-23T09:25:51.000Z' });
    expect(byTitle(r.observations, '刚刚,高考“满分”诞生了!(附各省高考分数线)').text).toMatch(/^高考会有满分的情况吗\?还真有!/);
  });

  it('ids are stable across crawls (the same page crawled twice gives the same ids)', async () => {
    const s = await serve({ '/weixin': { file: 'wechat/search-article-2017.html', type: HTML } });
    const a = await crawl('wechat', `${s.base}${SEARCH}`);
    const b = await crawl('wechat', `${s.base}/weixin?type=2&query=%E9%AB%98%E8%80%83&page=1&_=again`);
    s.close();
    expect(a.observations.map((o) => o.id)).toEqual(b.observations.map((o) => o.id));
    expect(new Set(a.observations.map((o) => o.id)).size).toBe(4);
    for (const o of a.observations) expect(o.id).toMatch(/^wx-[0-9a-f]{16}$/);
  });

  it('pages through #sogou_next up to searchPages (page 2 in the GUESSED post-2019 shape: /link links, span.all-time-y2, timeConvert only)', async () => {
    const s = await serve({
      '/weixin': [
        { file: 'wechat/search-article-2017.html', type: HTML, query: { page: '1' } },
        { file: 'wechat/search-article-guessed.html', type: HTML, query: { page: '2' } },
        { file: 'wechat/search-article-guessed.html', type: HTML, query: { page: '3' } },
      ],
    });
    const r = await crawl('wechat', `${s.base}${SEARCH}`, { maxPages: 5 });
    const one = await crawl('wechat', `${s.base}${SEARCH}`, { params: { searchPages: '1' }, maxPages: 5 });
    s.close();
    checkContract(r.observations, 'wechat');
    expect(r.pages).toBe(2);
    expect(s.hits.filter((h) => h.startsWith('/weixin'))).toEqual([
      SEARCH,
      '/weixin?hp=36&query=%E9%AB%98%E8%80%83&sut=1839&lkt=1%2C1500052503538%2C1500052503538&_sug_=y&sst0=1500052503639&oq=&stj0=0&stj1=4&hp1=&stj2=0&stj=0%3B4%3B0%3B0&_sug_type_=&ri=1&s_from=input&type=2&page=2&ie=utf8&w=01015002&dr=1',
      SEARCH, // the searchPages=1 crawl: the first page only
    ]);
    expect(one.observations).toHaveLength(4);
    expect(r.observations).toHaveLength(6);
    const g = byTitle(r.observations, '星河乳业回应"酸奶胀包":已下架同批次产品');
    expect(g).toMatchObject({
      author: { id: null, name: '乳业观察', verified: null },
      publishedAt: '2024-08-05T23:20:00.000Z', // timeConvert('1722900000'): 07:20 on 6 August in Shanghai
      url: `${s.base}/link?url=dn9a_-gY295K0Rci_xozVXfdMkSQTLW6cwJThYulHEtVjXrGTiVgS-GUESSED0000&type=2&query=%E6%98%9F%E6%B2%B3%E4%B9%B3%E4%B8%9A&token=GUESSED`,
      text: 'GUESSED 8月5日晚,星河乳业发布声明称,已对消费者反映的胀包酸奶启动调查…',
    });
    expect(byTitle(r.observations, '喝出异物、客服不回,星河牛奶的消费者投诉越来越多...')).toMatchObject({
      author: { name: '消费维权前线' }, publishedAt: '2024-08-05T07:00:00.000Z',
      text: 'GUESSED 记者梳理黑猫投诉平台发现,近一周涉及星河乳业的投诉&退款诉求明显增加',
    });
  });

  it('links=1 fetches the top result\'s /link page and keeps the article address it names (GUESSED /link page)', async () => {
    const s = await serve({
      '/weixin': { file: 'wechat/search-article-guessed.html', type: HTML },
      '/link': { file: 'wechat/link-redirect-guessed.html', type: HTML },
    });
    const r = await crawl('wechat', `${s.base}/weixin?type=2&query=%E6%98%9F%E6%B2%B3%E4%B9%B3%E4%B8%9A&page=1`, { params: { links: '1', searchPages: '1' }, maxPages: 5 });
    s.close();
    checkContract(r.observations, 'wechat');
    expect(s.hits.filter((h) => h.startsWith('/link'))).toHaveLength(1);
    const top = byTitle(r.observations, '星河乳业回应"酸奶胀包":已下架同批次产品');
    expect(top.url).toMatch(/\/link\?url=dn9a_.*GUESSED0000/); // the item keeps Sogou's link
    expect(top.extra?.articleUrl).toBe('https://mp.weixin.qq.com/s?src=11&timestamp=1722916000&ver=5481&signature=GUESSEDh*W6sJ1mQx7uKsVbq9YtD2vNcPz-4wEo=&new=1');
    expect(byTitle(r.observations, '喝出异物、客服不回,星河牛奶的消费者投诉越来越多...').extra?.articleUrl).toBeUndefined();
  });

  it('a page without a result list is an error, a "no results" page is empty, neither is a success with items', async () => {
    const s = await serve({
      '/weixin': [
        { body: '<html><body><div class="main">改版后的页面</div></body></html>', type: HTML, query: { query: 'a' } },
        { body: '<html><body><div id="noresult_part1_container"><p>暂无与“星河乳业”相关的微信公众号文章</p></div></body></html>', type: HTML, query: { query: 'b' } },
      ],
    });
    const changed = await crawl('wechat', `${s.base}/weixin?type=2&query=a`);
    const none = await crawl('wechat', `${s.base}/weixin?type=2&query=b`);
    s.close();
    expect(changed.observations).toEqual([]);
    expect(changed.errors[0].error.name).toBe('ParseError');
    expect(changed.errors[0].error.message).toMatch(/news-list/);
    expect(none).toMatchObject({ observations: [], errors: [], blocked: null });
  });

  it('charsets: the real page served as GBK under its own header, and as UTF-8 with no charset in the header, read the same', async () => {
    const s = await serve({
      '/weixin': [
        { file: 'wechat/search-article-2017.html', type: 'text/html; charset=GBK', encodeAs: 'gbk', query: { query: 'gbk' } },
        { file: 'wechat/search-article-2017.html', type: 'text/html', query: { query: 'plain' } },
      ],
    });
    const gbk = await crawl('wechat', `${s.base}/weixin?type=2&query=gbk`);
    const plain = await crawl('wechat', `${s.base}/weixin?type=2&query=plain`);
    s.close();
    const titles = (r: { observations: Observation[] }) => r.observations.map((o) => [o.title, o.author?.name]);
    expect(titles(gbk)).toEqual(titles(plain));
    expect(titles(gbk)[0]).toEqual(['高考有多重要,为什么要重视高考?丨微观点', '占豪']);
  });
});

describe('wechat: article pages on mp.weixin.qq.com', () => {
  it('real 2018 article: title, account and its gh_ id, var ct time, #js_content text without images or players', async () => {
    const s = await serve({ '/s': { file: 'wechat/article-2018.html', type: HTML } });
    const url = `${s.base}/s?__biz=MzIwOTc2ODc1NQ==&mid=2247484727&idx=1&sn=x`;
    const r = await crawl('wechat', url);
    s.close();
    checkContract(r.observations, 'wechat');
    expect(r.observations).toHaveLength(1);
    const a = r.observations[0];
    expect(a).toMatchObject({
      kind: 'post', title: '关于音乐', author: { id: 'gh_bdbd9b1b592d', name: '闲云野鹤古刹' },
      publishedAt: '2018-04-07T14:21:55.000Z', // var ct = "1523110915": 22:21 in Shanghai, the page's publish_time 2018-04-07
      extra: { biz: 'MzIwOTc2ODc1NQ==', mid: '2247484727', idx: '1', original: true },
    });
    expect(a.id).toBe(articleId('闲云野鹤古刹', '关于音乐', 1523110915));
    expect(a.url).toBe(url); // no msg_link, og:url or sn on this page: the page's own address
    expect(a.text).toMatch(/^文艺青年消遣有四大法宝：读书、旅行、运动与音乐。/);
    expect(a.text).toContain('村里的红白喜事，一般流行“打渔鼓”');
    expect(a.text).not.toMatch(/qqmusic|你那么爱她|data-src/);
    expect(a).not.toHaveProperty('metrics');
  });

  it('GUESSED post-2020 article: #js_name, htmlDecode nickname, msg_link as URL, and the same id as its Sogou result', async () => {
    const s = await serve({
      '/s': { file: 'wechat/article-guessed.html', type: HTML },
      '/weixin': { file: 'wechat/search-article-guessed.html', type: HTML },
    });
    const art = await crawl('wechat', `${s.base}/s?__biz=MzA5MDAwMDAwMA==&mid=2650000001&idx=1&sn=0123456789abcdef0123456789abcdef`);
    const search = await crawl('wechat', `${s.base}/weixin?type=2&query=%E6%98%9F%E6%B2%B3%E4%B9%B3%E4%B8%9A&page=1`);
    s.close();
    checkContract(art.observations, 'wechat');
    const a = art.observations[0];
    expect(a).toMatchObject({
      title: '星河乳业回应“酸奶胀包”：已下架同批次产品', author: { id: 'gh_0000000000aa', name: '乳业观察' },
      publishedAt: '2024-08-05T23:20:00.000Z',
      url: 'http://mp.weixin.qq.com/s?__biz=MzA5MDAwMDAwMA==&mid=2650000001&idx=1&sn=0123456789abcdef0123456789abcdef',
      extra: { summary: 'GUESSED 已对消费者反映的胀包酸奶启动调查' },
    });
    expect(a.text).toContain('声明说，公司将为购买该批次产品的消费者办理退款，并于一周内公布检测结果');
    expect(a.text).not.toContain('图片');
    // Sogou writes the title with ASCII punctuation; the article with full-width: one id
    expect(search.observations[0].id).toBe(a.id);
    expect(titleKey('星河乳业回应"酸奶胀包":已下架同批次产品')).toBe(titleKey('星河乳业回应“酸奶胀包”：已下架同批次产品'));
    expect(titleKey('高考学霸榜出炉!义乌最高分是她!排名...')).toBe(titleKey('高考学霸榜出炉！义乌最高分是她！排名前十的学校是'));
    expect(titleKey('星河乳业２０２４年报：ＡＩ质检')).toBe(titleKey('星河乳业2024年报:AI质检')); // full-width letters and digits fold (NFKC)
  });

  it('an expired temporary link (real page) gives nothing, without an error or a block', async () => {
    const s = await serve({ '/s': { file: 'wechat/article-expired.html', type: HTML } });
    const r = await crawl('wechat', `${s.base}/s?src=3&timestamp=1500052504&ver=1&signature=x`);
    s.close();
    expect(r).toMatchObject({ observations: [], errors: [], blocked: null });
  });
});

describe('wechat: Sogou\'s anti-spider check and WeChat\'s verification are a blocked run', () => {
  /** /weixin answers 302 to /antispider/ as Sogou does; /antispider/ serves the real captcha page. */
  async function redirectingSogou() {
    const hits: string[] = [];
    const body = readFileSync(FIXTURES + 'wechat/antispider.html');
    const server = createServer((req, res) => {
      const u = new URL(req.url!, 'http://x');
      hits.push(u.pathname + u.search);
      if (u.pathname === '/robots.txt') { res.writeHead(404); res.end(); return; }
      if (u.pathname === '/weixin') { res.writeHead(302, { location: `/antispider/?from=${encodeURIComponent(u.pathname + u.search)}` }); res.end(); return; }
      if (u.pathname === '/antispider/') { res.writeHead(200, { 'content-type': HTML }); res.end(body); return; }
      res.writeHead(404); res.end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    return { base: `http://127.0.0.1:${(server.address() as { port: number }).port}`, hits, close: () => server.close() };
  }

  it('a redirect to /antispider/ (real captcha page): ChallengeError(captcha), no items, the next page not asked for', async () => {
    const s = await redirectingSogou();
    const r = await crawl('wechat', `${s.base}${SEARCH}`, { maxPages: 3 });
    s.close();
    expect(r.observations).toEqual([]);
    expect(r.blocked).toBeInstanceOf(ChallengeError);
    expect((r.blocked as ChallengeError).kind).toBe('captcha');
    expect(r.blocked!.message).toMatch(/anti-spider.*\/antispider\/\?from=.*a person has to solve the captcha/);
    expect(s.hits).toEqual([`/robots.txt`, SEARCH, `/antispider/?from=${encodeURIComponent(SEARCH)}`]);
    // what that means downstream: a pool account pauses for a person; the source's health says blocked and tells the desk
    expect(accountVerdict(r.blocked, 0)).toMatchObject({ state: 'paused', reason: expect.stringMatching(/^captcha: /) });
    const health = applyOutcome(initialStatus({ id: 'wx-brand', adapter: 'wechat', url: s.base, enabled: true, schedule: '*/30 * * * *' }), { outcome: 'blocked', items: 0, errors: [r.blocked!.message] }, new Date('2024-08-06T04:00:00Z'));
    expect(health.status.blocked).toBe(true);
    expect(health.events.map((e) => e.kind)).toEqual(['blocked']);
  });

  it('the captcha page served in place of the results (200 at /weixin) is blocked too, not an empty success', async () => {
    const s = await serve({ '/weixin': { file: 'wechat/antispider.html', type: HTML } });
    const r = await crawl('wechat', `${s.base}${SEARCH}`);
    s.close();
    expect(r.observations).toEqual([]);
    expect(r.blocked).toBeInstanceOf(ChallengeError);
    expect(r.blocked!.message).toMatch(/Sogou answered with its anti-spider captcha/);
  });

  it('WeChat\'s 环境异常 verification on an article (GUESSED page) is a captcha block; an article quoting those words is not', async () => {
    const wall = '<html><head><meta charset="utf-8"><title>微信公众平台</title></head><body><div class="weui-msg"><h2 class="weui-msg__title">环境异常</h2><p class="weui-msg__desc">当前环境异常，完成验证后即可继续访问。</p><a id="js_verify" class="weui-btn weui-btn_primary">去验证</a></div></body></html>';
    const quoting = readFileSync(FIXTURES + 'wechat/article-guessed.html', 'utf8').replace('有消费者对记者表示', '页面提示“当前环境异常，完成验证后即可继续访问”。有消费者对记者表示');
    const s = await serve({ '/s': [{ body: wall, type: HTML, query: { id: 'wall' } }, { body: quoting, type: HTML, query: { id: 'quote' } }] });
    const a = await crawl('wechat', `${s.base}/s?id=wall`);
    const b = await crawl('wechat', `${s.base}/s?id=quote`);
    s.close();
    expect((a.blocked as ChallengeError).kind).toBe('captcha');
    expect(a.blocked!.message).toMatch(/环境异常/);
    expect(b.blocked).toBeNull();
    expect(b.observations).toHaveLength(1);
  });
});

describe('`flarewatch crawl --type wechat`', () => {
  it('lists wechat with what it needs, and writes the real result page\'s posts as JSON Lines', async () => {
    let listed = '';
    const listSink = new Writable({ write(c, _e, cb) { listed += c.toString(); cb(); } });
    expect(await runCli(['crawl', '--list'], { stdout: listSink, stderr: listSink, env: readEnv({}) })).toBe(0);
    expect(listed).toMatch(/^wechat +WeChat official-account articles/m);
    expect(listed).toMatch(/weixin\.sogou\.com\/weixin\?type=2&query=.*\(needs: no login; recommended: the SNUID and SUID cookies/);

    const s = await serve({ '/weixin': { file: 'wechat/search-article-2017.html', type: HTML } });
    const out = join(mkdtempSync(join(tmpdir(), 'fw-wechat-')), 'obs.jsonl');
    let err = '';
    const sink = new Writable({ write(c, _e, cb) { err += c.toString(); cb(); } });
    const code = await runCli(['crawl', '--type', 'wechat', '--url', `${s.base}${SEARCH}`, '--param', 'searchPages=1', '--min-interval', '0', '--cookies', 'SNUID=D3B3333C48421C0111FAC93E48AB0B78; SUID=00DE5AA472FA697D5938E6037582C097', '--out', out], { stdout: sink, stderr: sink, env: readEnv({}) });
    s.close();
    expect(code, err).toBe(0);
    const obs = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Observation);
    expect(obs).toHaveLength(4);
    for (const o of obs) expect(o).toMatchObject({ source: 'wechat', kind: 'post', author: { name: expect.any(String) }, publishedAt: expect.stringMatching(/^2017-/) });
  });

  it('exits 1 and says the site blocked the session on the captcha page', async () => {
    const s = await serve({ '/weixin': { file: 'wechat/antispider.html', type: HTML } });
    const out = join(mkdtempSync(join(tmpdir(), 'fw-wechat-')), 'obs.jsonl');
    let err = '';
    const sink = new Writable({ write(c, _e, cb) { err += c.toString(); cb(); } });
    const code = await runCli(['crawl', '--type', 'wechat', '--url', `${s.base}${SEARCH}`, '--min-interval', '0', '--out', out], { stdout: sink, stderr: sink, env: readEnv({}) });
    s.close();
    expect(code).toBe(1);
    expect(err).toMatch(/ChallengeError: wechat: Sogou answered with its anti-spider captcha/);
    expect(err).toMatch(/blocked this session/);
  });
});
