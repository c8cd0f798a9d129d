// douyin: Douyin (抖音) videos and comments. Douyin signs its web API requests (a_bogus / X-Bogus,
// msToken), so, as for xhs, the site's own pages run in a logged-in browser session
// (src/crawl/browser-session.ts) and the adapter reads the answers the page fetched:
// - search www.douyin.com/search/<keyword>?type=video: /aweme/v1/web/search/item/ and
//   /aweme/v1/web/general/search/single/ (data[].aweme_info) -> posts;
// - a video www.douyin.com/video/<id>: /aweme/v1/web/aweme/detail/ (aweme_detail) -> the post, and
//   /aweme/v1/web/comment/list/ (+ /reply/) (comments[]) -> comments (parentId = the video).
// Follow-ups: the video pages of the top `comments` results (the page loads the first comments).
// The same API answers served directly parse the same (`crawl --type douyin --url <saved answer>`).
// Authors' follower counts come with search results when the author shows them (0 = hidden: null).
// A captcha page (验证码中间页) or a login wall pauses the source (source health: blocked).
import { z } from 'zod';
import { defineAdapter, parseJson, type CrawlRequest, type Page } from '../src/crawl/adapter.js';
import { BlockedError, ParseError } from '../src/crawl/errors.js';
import { get, asArray, str, parseCount } from '../src/crawl/text.js';
import type { Observation } from '../src/core/observation.js';
import { capturedResponses, type BrowserSessionSpec } from '../src/crawl/browser-session.js';
import type { LoginSpec } from '../src/crawl/login-spec.js';
import { intParam, isoFromUnix } from './lib/social.js';

const params = z.object({
  /** open the video pages (and their first comments) of this many top results */
  comments: intParam(3, 0, 20),
  /** the saved browser session (account) to use, as named under data/sessions/douyin/ */
  account: z.string().regex(/^[\w.-]{1,40}$/, 'letters, digits, . _ -').default('default'),
}).strict();
type Params = z.infer<typeof params>;

const WEB = 'https://www.douyin.com';
const SEARCH_APIS = ['/aweme/v1/web/search/item/', '/aweme/v1/web/general/search/single/'];
const DETAIL_API = '/aweme/v1/web/aweme/detail/';
const COMMENT_APIS = ['/aweme/v1/web/comment/list/', '/aweme/v1/web/comment/list/reply/'];

export const DOUYIN_SESSION: Omit<BrowserSessionSpec, 'account'> = {
  site: 'douyin',
  capture: [...SEARCH_APIS, DETAIL_API, ...COMMENT_APIS],
  captcha: { urls: ['verify.snssdk.com', 'verifycenter', '/captcha'], texts: ['验证码中间页', '请完成下列验证后继续', '拖动滑块'] },
  login: { urls: ['/passport/', 'login_type'], texts: ['登录后即可观看', '扫码登录'] },
  settleMs: 2000,
};

/**
 * QR login on the dashboard (src/crawl/qr-login.ts). The login panel's id, the QR container and
 * the "登录" button that opens the panel are what public clients (MediaCrawler's douyin login)
 * use; the login cookies (sessionid_ss, sessionid: what cookie-based clients need) and the expiry
 * texts are GUESSED. None of it was checked against the live site.
 */
export const DOUYIN_LOGIN: LoginSpec = {
  site: 'douyin',
  url: `${WEB}/`,
  domain: 'douyin.com',
  qrSelector: '#animate_qrcode_container img',
  panelSelector: '#login-panel-new',
  openSelector: '::-p-xpath(//p[text()="登录"])',
  loginCookies: ['sessionid_ss', 'sessionid'], // GUESSED
  expiredTexts: ['二维码已失效', '二维码已过期'], // GUESSED
  qrLifetimeMs: 120_000,
  guessed: ['qrSelector', 'panelSelector', 'openSelector', 'loginCookies', 'expiredTexts'],
};

const videoUrl = (id: string) => `${WEB}/video/${encodeURIComponent(id)}`;
const pathIs = (path: string, apis: string[]) => apis.some((a) => path === a || path === a.replace(/\/$/, ''));

function check(data: unknown, url: string): void {
  const code = get(data, 'status_code');
  if (typeof code === 'number' && code !== 0) {
    const msg = `douyin: status_code ${code} (${str(get(data, 'status_msg')) ?? 'no message'}) at ${url}`;
    // 8: not logged in; 2053/2154: too frequent / risk control
    if (code === 8 || code === 2053 || code === 2154) throw new BlockedError(msg, url);
    throw new ParseError(msg, url);
  }
  if (data == null || typeof data !== 'object') throw new ParseError(`douyin: unexpected answer at ${url}`, url);
}

function author(u: unknown): Observation['author'] {
  if (!u || typeof u !== 'object') return null;
  const followers = parseCount(get(u, 'follower_count'));
  // a verification label (personal or enterprise) is what Douyin shows as 认证; empty labels: not verified
  const labels = [get(u, 'custom_verify'), get(u, 'enterprise_verify_reason')];
  const verified = labels.some((l) => str(l)) ? true : labels.some((l) => typeof l === 'string') ? false : null;
  return { id: str(get(u, 'uid')), name: str(get(u, 'nickname')), followers: followers ? followers : null, verified };
}

function awemeObs(a: unknown): Observation | null {
  const id = str(get(a, 'aweme_id'));
  const desc = str(get(a, 'desc'));
  if (!id || !desc) return null;
  const st = get(a, 'statistics');
  const plays = parseCount(get(st, 'play_count'));
  return {
    at: '', source: 'douyin', kind: 'post', id, url: videoUrl(id), text: desc,
    author: author(get(a, 'author')),
    publishedAt: isoFromUnix(get(a, 'create_time')),
    metrics: { likes: parseCount(get(st, 'digg_count')), comments: parseCount(get(st, 'comment_count')), reposts: parseCount(get(st, 'share_count')), views: plays ? plays : null },
    extra: Object.fromEntries(Object.entries({
      collects: parseCount(get(st, 'collect_count')), secUid: str(get(a, 'author', 'sec_uid')),
      hashtags: asArray(get(a, 'text_extra')).map((t) => str(get(t, 'hashtag_name'))).filter(Boolean).join(',') || null,
    }).filter(([, v]) => v != null)),
  };
}

function commentObs(c: unknown, awemeId: string | null): Observation | null {
  const id = str(get(c, 'cid'));
  const text = str(get(c, 'text'));
  const parent = str(get(c, 'aweme_id')) ?? awemeId;
  if (!id || !text || !parent) return null; // image-only comments have no text
  const reply = str(get(c, 'reply_id'));
  const replyTo = str(get(c, 'reply_to_reply_id'));
  return {
    at: '', source: 'douyin', kind: 'comment', id, url: videoUrl(parent), parentId: parent,
    author: author(get(c, 'user')),
    text,
    publishedAt: isoFromUnix(get(c, 'create_time')),
    metrics: { likes: parseCount(get(c, 'digg_count')) ?? 0, comments: parseCount(get(c, 'reply_comment_total')) ?? 0 },
    extra: Object.fromEntries(Object.entries({
      replyTo: reply && reply !== '0' ? reply : null,
      inReplyTo: replyTo && replyTo !== '0' && replyTo !== reply ? replyTo : null,
      location: str(get(c, 'ip_label')),
    }).filter(([, v]) => v != null)),
  };
}

function parseApi(path: string, data: unknown, url: string): Observation[] | null {
  const ok = <T>(xs: (T | null)[]) => xs.filter((x): x is T => x != null);
  if (pathIs(path, SEARCH_APIS)) { check(data, url); return ok(asArray(get(data, 'data')).map((it) => awemeObs(get(it, 'aweme_info')))); }
  if (pathIs(path, [DETAIL_API])) { check(data, url); return ok([awemeObs(get(data, 'aweme_detail'))]); }
  if (pathIs(path, COMMENT_APIS)) {
    check(data, url);
    const aweme = new URL(url).searchParams.get('aweme_id') ?? new URL(url).searchParams.get('item_id');
    return ok(asArray(get(data, 'comments')).map((c) => commentObs(c, aweme)));
  }
  return null;
}

function videoFollowUps(obs: Observation[], page: Page, p: Params): CrawlRequest[] {
  if (!page.request.meta?.session || page.request.label === 'video') return [];
  return obs.filter((o) => o.kind === 'post').slice(0, p.comments).map((o) => ({
    url: new URL(`/video/${encodeURIComponent(o.id)}`, page.request.url).href, label: 'video', follow: 'detail' as const, render: true, meta: { session: page.request.meta?.session },
  }));
}

export default defineAdapter({
  id: 'douyin',
  description: 'Douyin (抖音): video search, video and comments, read from the site\'s own API answers in a logged-in browser session (search/item, aweme/detail, comment/list)',
  example: 'https://www.douyin.com/search/%E6%98%9F%E6%B2%B3%E4%B9%B3%E4%B8%9A?type=video',
  params,
  features: { requireConfig: ['a logged-in account (QR code on the dashboard\'s source page, a saved session in data/sessions/douyin/, or a cookie in cookiesEnv)', 'Chromium'], browserSession: true },
  login: DOUYIN_LOGIN,
  headers: () => ({ accept: 'application/json, text/plain, */*', referer: `${WEB}/` }),
  start(url, p) {
    const path = new URL(url).pathname;
    if (path.startsWith('/search/') || path.startsWith('/video/') || path.startsWith('/note/')) {
      return [{ url, render: true, label: path.startsWith('/search/') ? 'search' : 'video', meta: { session: { ...DOUYIN_SESSION, account: p.account } } }];
    }
    return [{ url }];
  },
  parse({ page, params: p }) {
    if (page.request.meta?.session) {
      const obs: Observation[] = [];
      for (const r of capturedResponses(page)) obs.push(...(parseApi(new URL(r.url).pathname, r.body, r.url) ?? []));
      return { observations: obs, requests: videoFollowUps(obs, page, p) };
    }
    const path = new URL(page.url).pathname;
    const got = parseApi(path.endsWith('/') ? path : `${path}/`, parseJson(page), page.url);
    if (!got) throw new ParseError(`douyin: cannot tell the kind of page from the path ${path} (expected ${SEARCH_APIS[0]}, ${DETAIL_API}, ${COMMENT_APIS[0]}, or a /search/ page run in a browser session)`, page.url);
    return { observations: got };
  },
});
