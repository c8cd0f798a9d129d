// wechat: WeChat official-account (公众号) articles, found the way PR desks find them: through
// Sogou's WeChat article search (weixin.sogou.com). By path:
// - search /weixin?type=2&query=…&page=N: posts with the title, the summary as text, the account
//   as author (verified from data-isV where the page has it), publishedAt from the item's `t`
//   attribute or its timeConvert('<unix seconds>') script, and the link as the item URL (Sogou's
//   /link?url=… redirect resolved against the page; pages before 2019 linked mp.weixin.qq.com
//   directly); the next page from #sogou_next up to `searchPages`; with `links`, the /link pages of
//   the first page's top results, which name the article's address (extra.articleUrl, temporary);
// - /link?url=…: the article address the page's script assembles (merged into that result);
// - an article on mp.weixin.qq.com (/s?__biz=…, /s/<id>): the post with the article's text
//   (#js_content), title (#activity-name, og:title, var msg_title), account (#js_name,
//   var nickname, #post-user; its gh_ name as author id) and time (var ct, else publish_time or
//   createTime, read in Asia/Shanghai). A pasted article URL works the same way; an expired or
//   deleted article gives nothing.
// Ids are stable across crawls and shared by a search result and its article page: a hash of the
// account, the title's first 16 letters and digits (after NFKC: Sogou writes ASCII punctuation
// and cuts long titles with "...") and the publish time in unix seconds. Sogou shows no counts,
// so the posts carry no metrics at all (not zeros).
// Sogou's anti-spider page (a redirect to /antispider/, or its captcha form in place of results)
// and WeChat's "环境异常" verification are a ChallengeError (captcha): the run ends blocked with the
// reason, an account pool pauses the account until a person resumes it, and source health tells
// the desk. A page that is neither results, nor "no results", nor a known wall is a ParseError,
// never an empty success. Sogou answers better with the SNUID/SUID cookies of a browser visit
// (cookiesEnv) and a proxy.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { load, type CheerioAPI } from 'cheerio';
import { defineAdapter, absoluteUrl, type CrawlRequest, type Page } from '../src/crawl/adapter.js';
import { ChallengeError, ParseError } from '../src/crawl/errors.js';
import { parseSiteDate } from '../src/crawl/dates.js';
import { decodeEntities, htmlToText, str } from '../src/crawl/text.js';
import type { Observation } from '../src/core/observation.js';
import { intParam, isoFromUnix, queryInt } from './lib/social.js';

const params = z.object({
  /** result pages of a search to follow (the start page included) */
  searchPages: intParam(2, 1, 10),
  /** fetch the /link page of this many top results of the first page, for the article address (0 = none: each is one more request Sogou counts) */
  links: intParam(0, 0, 10),
}).strict();
type Params = z.infer<typeof params>;

const SOGOU = 'https://weixin.sogou.com';

/** Sogou's anti-spider page or WeChat's verification page: a person has to solve the captcha. */
function captcha(where: string, page: Page): never {
  throw new ChallengeError('captcha', `wechat: ${where} at ${page.url}: a person has to solve the captcha in a browser (then resume the source); the SNUID/SUID cookies of a browser visit (cookiesEnv), a slower schedule and a proxy make it rarer`, page.url);
}

/** The walls, by URL always, by the page's form and wording only where it shows no results and no article (an article may quote those words). */
function checkWalls($: CheerioAPI, page: Page): void {
  const u = new URL(page.url);
  if (u.pathname.startsWith('/antispider')) captcha('Sogou redirected to its anti-spider check', page);
  if (u.pathname.includes('appmsgcaptcha') || u.pathname.startsWith('/mp/wappoc_')) captcha('WeChat asked for a verification (环境异常)', page);
  if ($('ul.news-list > li, #js_content').length) return;
  const body = $('body').text();
  if ($('#seccodeForm, #seccodeImage, img[src*="seccode.php"]').length || /您的访问过于频繁/.test(body)) captcha('Sogou answered with its anti-spider captcha', page);
  if (/环境异常[\s\S]{0,40}完成验证/.test(body)) captcha('WeChat asked for a verification (环境异常)', page);
}

/** The part of a title both Sogou and the article page agree on. */
export function titleKey(title: string): string {
  return title.normalize('NFKC').toLowerCase().replace(/(\.\.\.|…)+\s*$/u, '').replace(/[^\p{L}\p{N}]+/gu, '').slice(0, 16);
}

/** The stable id of an article: account, title key and publish time (unix seconds). */
export function articleId(account: string | null, title: string, unixSeconds: number | null): string {
  const key = [account?.normalize('NFKC').trim() ?? '', titleKey(title), unixSeconds ?? ''].join('|');
  return `wx-${createHash('sha1').update(key).digest('hex').slice(0, 16)}`;
}

const unixOf = (iso: string | null) => (iso ? Math.floor(Date.parse(iso) / 1000) : null);
const oneLine = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();

function searchPage($: CheerioAPI, page: Page, p: Params, now: Date) {
  const items = $('ul.news-list > li');
  if (!items.length) {
    const body = $('body').text();
    if ($('#noresult_part1_container, .no-sosuo').length || /暂无与|没有找到|未找到/.test(body)) return { observations: [] };
    throw new ParseError(`wechat: no result list (ul.news-list) and no "no results" notice at ${page.url}: has Sogou changed its page?`, page.url);
  }
  const obs: Observation[] = [];
  const links: CrawlRequest[] = [];
  items.each((_i, li) => {
    const a = $(li).find('.txt-box h3 a, h3 a').first();
    const title = oneLine(a.text());
    const href = absoluteUrl(a.attr('href'), page.url);
    if (!title || !href) return;
    const sp = $(li).find('.s-p').first();
    const accountEl = $(li).find('a.account, .s-p .all-time-y2, .account').first();
    const account = oneLine(accountEl.text()) || null;
    const isV = accountEl.attr('data-isv');
    const t = str(sp.attr('t')) ?? /timeConvert\(\s*'(\d+)'\s*\)/.exec($(li).html() ?? '')?.[1] ?? null;
    const publishedAt = isoFromUnix(t) ?? parseSiteDate(oneLine($(li).find('.s-p .s2').first().text()), now);
    const summary = oneLine(htmlToText($(li).find('p.txt-info').first().html()));
    const id = articleId(account, title, unixOf(publishedAt));
    obs.push({
      at: '', source: 'wechat', kind: 'post', id, url: href,
      author: account ? { id: null, name: account, verified: isV === '1' ? true : isV === '0' ? false : null } : null,
      title, text: summary || title, publishedAt,
      extra: Object.fromEntries(Object.entries({
        sogouDocId: str($(li).attr('d')),
        sogouAccountId: str(accountEl.attr('i')),
      }).filter(([, v]) => v != null)),
    });
    if (new URL(href).pathname === '/link') links.push({ url: href, follow: 'detail', label: 'link', headers: { referer: page.url }, meta: { id } });
  });
  const pageNo = queryInt(page.url, 'page', 1);
  const requests: CrawlRequest[] = pageNo === 1 ? links.slice(0, p.links) : [];
  const next = absoluteUrl($('#sogou_next').attr('href'), page.url);
  if (next && obs.length && pageNo < p.searchPages) requests.push({ url: next, follow: 'next', headers: { referer: page.url } });
  return { observations: obs, requests };
}

/** /link?url=…: the address its script builds from pieces (`url += '…'`), '@' removed as the script does. */
function linkPage(page: Page) {
  const pieces = [...page.text.matchAll(/url\s*\+=\s*'([^']*)'/g)].map((m) => m[1]);
  const target = pieces.length ? absoluteUrl(pieces.join('').replace(/@/g, ''), page.url) : null;
  const id = str(page.request.meta?.id);
  if (!target || !id) return { observations: [] };
  return { observations: [{ at: '', source: 'wechat', kind: 'post' as const, id, extra: { articleUrl: target } }] };
}

/** `var name = "…"`, `'…'.html(false)` or `htmlDecode("…")` in the page's scripts. */
function scriptVar(html: string, name: string): string | null {
  const re = new RegExp(`var\\s+${name}\\s*=\\s*(?:htmlDecode\\()?\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|'((?:[^'\\\\]|\\\\.)*)')`);
  const m = re.exec(html);
  const v = m ? (m[1] ?? m[2] ?? '') : '';
  return str(decodeEntities(v.replace(/\\x26/g, '&').replace(/\\(["'\\/])/g, '$1')));
}

/** `var mid = "" || "" || "2247484727"`: the first non-empty string of such a chain. */
function chainVar(html: string, name: string): string | null {
  const m = new RegExp(`var\\s+${name}\\s*=\\s*((?:\\s*(?:"[^"]*"|'[^']*')\\s*\\|\\|)*\\s*(?:"[^"]*"|'[^']*'))`).exec(html);
  if (!m) return null;
  return [...m[1].matchAll(/"([^"]*)"|'([^']*)'/g)].map((x) => x[1] ?? x[2]).find((x) => x && x.trim()) ?? null;
}

function articleUrlOf($: CheerioAPI, html: string, page: Page): string {
  const clean = (u: string | null) => (u ? absoluteUrl(decodeEntities(u).replace(/#.*$/, ''), page.url) : null);
  const biz = chainVar(html, 'biz');
  const mid = chainVar(html, 'mid');
  const idx = chainVar(html, 'idx');
  const sn = chainVar(html, 'sn');
  const built = biz && mid && idx && sn ? `https://mp.weixin.qq.com/s?__biz=${encodeURIComponent(biz)}&mid=${mid}&idx=${idx}&sn=${sn}` : null;
  return clean(scriptVar(html, 'msg_link')) ?? clean(str($('meta[property="og:url"]').attr('content'))) ?? built ?? page.url;
}

function articlePage($: CheerioAPI, page: Page, now: Date) {
  const body = oneLine($('body').text());
  if (!$('#js_content').length && /链接已过期|已被发布者删除|违规无法查看|已停止访问|该公众号已迁移/.test(body)) {
    return { observations: [] }; // an expired temporary link, or an article taken down
  }
  const html = page.text;
  const title = oneLine($('#activity-name').first().text()) || str($('meta[property="og:title"]').attr('content')) || scriptVar(html, 'msg_title') || oneLine($('title').first().text());
  const content = $('#js_content').first().clone();
  content.find('script, style, img, qqmusic, mpvoice, mpvideosnap').remove();
  const text = htmlToText(content.html());
  if (!title && !text) throw new ParseError(`wechat: no article title or #js_content at ${page.url}: not an article page?`, page.url);
  const account = oneLine($('#js_name').first().text()) || scriptVar(html, 'nickname') || oneLine($('#post-user').first().text()) || null;
  const ct = scriptVar(html, 'ct');
  const publishedAt = isoFromUnix(ct) ?? parseSiteDate(scriptVar(html, 'createTime') ?? chainVar(html, 'publish_time') ?? oneLine($('#post-date, #publish_time').first().text()), now);
  const id = title ? articleId(account, title, unixOf(publishedAt)) : `wx-${createHash('sha1').update(articleUrlOf($, html, page)).digest('hex').slice(0, 16)}`;
  return {
    observations: [{
      at: '', source: 'wechat', kind: 'post' as const, id, url: articleUrlOf($, html, page),
      author: account ? { id: scriptVar(html, 'user_name'), name: account } : null,
      title: title || null, text: text || null, publishedAt,
      extra: Object.fromEntries(Object.entries({
        biz: chainVar(html, 'biz'), mid: chainVar(html, 'mid'), idx: chainVar(html, 'idx'),
        summary: scriptVar(html, 'msg_desc') ?? str($('meta[property="og:description"]').attr('content')),
        original: /var\s+_?copyright_stat\s*=\s*"1"/.test(html) ? true : null,
      }).filter(([, v]) => v != null)),
    }],
  };
}

export default defineAdapter({
  id: 'wechat',
  description: 'WeChat official-account articles through Sogou\'s WeChat search (weixin.sogou.com/weixin?type=2&query=), its /link redirects, and article pages on mp.weixin.qq.com',
  example: `${SOGOU}/weixin?type=2&query=%E6%98%9F%E6%B2%B3%E4%B9%B3%E4%B8%9A&page=1`,
  params,
  features: {
    requireConfig: ['no login; recommended: the SNUID and SUID cookies of a browser visit to weixin.sogou.com (cookiesEnv) and a proxy, against Sogou\'s anti-spider captcha'],
  },
  headers: (req) => ({
    accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    ...(/(^|\.)sogou\.com$/.test(new URL(req.url).hostname) ? { referer: `${SOGOU}/` } : {}),
  }),
  parse({ page, params: p, now }) {
    if (/^\s*[{[]/.test(page.text)) throw new ParseError(`wechat: expected an HTML page at ${page.url}, got JSON`, page.url);
    const $ = load(page.text);
    checkWalls($, page);
    const path = new URL(page.url).pathname.replace(/\/+$/, '') || '/';
    if (path === '/link') {
      // a /link that answered with the article itself (a redirect followed) is parsed as one
      return $('#js_content, #activity-name').length ? articlePage($, page, now) : linkPage(page);
    }
    if (path === '/weixin') return searchPage($, page, p, now);
    if (path === '/s' || path.startsWith('/s/') || path === '/mp/appmsg/show' || $('#js_content, #activity-name').length) return articlePage($, page, now);
    throw new ParseError(`wechat: cannot tell the kind of page from the path ${path} (expected /weixin?type=2&query=, /link?url= or an article /s?__biz=…)`, page.url);
  },
});
