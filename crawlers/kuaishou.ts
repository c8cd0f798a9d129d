// kuaishou: Kuaishou (快手) videos and comments. The web client talks to one GraphQL endpoint
// (www.kuaishou.com/graphql) with signed, cookie-bound requests, so, as for xhs and douyin, the
// site's own pages run in a logged-in browser session (src/crawl/browser-session.ts) and the
// adapter reads the GraphQL answers the page fetched, by the operation the answer carries:
// - data.visionSearchPhoto.feeds[] (search page www.kuaishou.com/search/video?searchKey=) -> posts
//   (photo.id, caption, timestamp in ms, like/view/comment counts; author id and name);
// - data.visionVideoDetail.photo (a video page /short-video/<id>) -> the post;
// - data.visionCommentList.rootComments[] with subComments -> comments (parentId = the video).
// Follow-ups: the video pages of the top `comments` results. Answers served directly parse the same.
// A result code other than 1 (2: log in; 400002: captcha), a captcha or a login page pauses the
// source (source health: blocked). Every shape here is GUESSED from public clients' field lists:
// no captured Kuaishou answer with a usable licence was found (tests/fixtures/kuaishou/SOURCE.md).
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
  /** the saved browser session (account) to use, as named under data/sessions/kuaishou/ */
  account: z.string().regex(/^[\w.-]{1,40}$/, 'letters, digits, . _ -').default('default'),
}).strict();
type Params = z.infer<typeof params>;

const WEB = 'https://www.kuaishou.com';

export const KUAISHOU_SESSION: Omit<BrowserSessionSpec, 'account'> = {
  site: 'kuaishou',
  capture: ['/graphql'],
  captcha: { urls: ['/captcha', 'captcha.zt.kuaishou.com'], texts: ['请完成验证', '滑块验证'] },
  login: { urls: ['passport.kuaishou.com'], texts: ['扫码登录', '请登录后'] },
  settleMs: 2000,
};

/**
 * QR login on the dashboard (src/crawl/qr-login.ts). The "登录" button, the QR image inside
 * .qrcode-img and the passToken cookie are what public clients (MediaCrawler's kuaishou login)
 * use; the panel's class and the expiry texts are GUESSED. None of it was checked against the live
 * site.
 */
export const KUAISHOU_LOGIN: LoginSpec = {
  site: 'kuaishou',
  url: `${WEB}/`,
  domain: 'kuaishou.com',
  qrSelector: '.qrcode-img img',
  panelSelector: '.login-container', // GUESSED
  openSelector: '::-p-xpath(//p[text()="登录"])',
  loginCookies: ['passToken'],
  expiredTexts: ['二维码已失效', '二维码已过期'], // GUESSED
  qrLifetimeMs: 120_000,
  guessed: ['qrSelector', 'panelSelector', 'openSelector', 'loginCookies', 'expiredTexts'],
};

const videoUrl = (id: string) => `${WEB}/short-video/${encodeURIComponent(id)}`;

/** the operation's result code: 1 fine; 2 (log in) and 400002 (captcha) a blocked session */
function checkResult(op: unknown, name: string, url: string): void {
  const r = get(op, 'result');
  if (r == null || r === 1) return;
  const msg = `kuaishou: ${name} result ${String(r)} at ${url}`;
  if (r === 2 || r === 400002 || r === 109) throw new BlockedError(msg, url);
  throw new ParseError(msg, url);
}

function photoObs(photo: unknown, authorObj: unknown): Observation | null {
  const id = str(get(photo, 'id'));
  const caption = str(get(photo, 'caption')) ?? str(get(photo, 'originCaption'));
  if (!id || !caption) return null;
  return {
    at: '', source: 'kuaishou', kind: 'post', id, url: videoUrl(id), text: caption,
    author: authorObj ? { id: str(get(authorObj, 'id')), name: str(get(authorObj, 'name')), followers: parseCount(get(authorObj, 'fanCount')) ?? parseCount(get(authorObj, 'fansCount')), verified: null } : null,
    publishedAt: isoFromUnix(get(photo, 'timestamp')),
    metrics: {
      likes: parseCount(get(photo, 'realLikeCount')) ?? parseCount(get(photo, 'likeCount')),
      views: parseCount(get(photo, 'viewCount')),
      comments: parseCount(get(photo, 'commentCount')),
      reposts: parseCount(get(photo, 'shareCount')),
    },
    extra: Object.fromEntries(Object.entries({ collects: parseCount(get(photo, 'collectCount')), durationMs: parseCount(get(photo, 'duration')) ?? parseCount(get(photo, 'durationMs')) }).filter(([, v]) => v != null)),
  };
}

function commentObs(c: unknown, videoId: string, out: Observation[], root: string | null = null): void {
  const id = str(get(c, 'commentId'));
  const text = str(get(c, 'content'));
  if (!id || !text) return;
  out.push({
    at: '', source: 'kuaishou', kind: 'comment', id, url: videoUrl(videoId), parentId: videoId,
    author: { id: str(get(c, 'authorId')), name: str(get(c, 'authorName')), followers: null, verified: null },
    text,
    publishedAt: isoFromUnix(get(c, 'timestamp')),
    metrics: { likes: parseCount(get(c, 'realLikedCount')) ?? parseCount(get(c, 'likedCount')) ?? 0, comments: parseCount(get(c, 'subCommentCount')) ?? 0 },
    extra: Object.fromEntries(Object.entries({ replyTo: root, replyToUser: str(get(c, 'replyToUserName')) }).filter(([, v]) => v != null)),
  });
  for (const s of asArray(get(c, 'subComments'))) commentObs(s, videoId, out, id);
}

/** One GraphQL answer, by the operation it carries; null when it is none of these. */
function parseGraphql(data: unknown, url: string, videoHint: string | null): Observation[] | null {
  if (data == null || typeof data !== 'object') throw new ParseError(`kuaishou: unexpected answer at ${url}`, url);
  const search = get(data, 'data', 'visionSearchPhoto');
  if (search) {
    checkResult(search, 'visionSearchPhoto', url);
    return asArray(get(search, 'feeds')).map((f) => photoObs(get(f, 'photo'), get(f, 'author'))).filter((o): o is Observation => !!o);
  }
  const detail = get(data, 'data', 'visionVideoDetail');
  if (detail) {
    checkResult(detail, 'visionVideoDetail', url);
    const o = photoObs(get(detail, 'photo'), get(detail, 'author'));
    return o ? [o] : [];
  }
  const list = get(data, 'data', 'visionCommentList');
  if (list) {
    checkResult(list, 'visionCommentList', url);
    const vid = videoHint;
    if (!vid) throw new ParseError(`kuaishou: a comment answer needs the video it belongs to (a /short-video/<id> page or ?photoId=) at ${url}`, url);
    const out: Observation[] = [];
    for (const c of asArray(get(list, 'rootComments'))) commentObs(c, vid, out);
    return out;
  }
  return null;
}

export default defineAdapter({
  id: 'kuaishou',
  description: 'Kuaishou (快手): video search, video and comments, read from the site\'s own GraphQL answers in a logged-in browser session (visionSearchPhoto, visionVideoDetail, visionCommentList)',
  example: 'https://www.kuaishou.com/search/video?searchKey=%E6%98%9F%E6%B2%B3%E4%B9%B3%E4%B8%9A',
  params,
  features: { requireConfig: ['a logged-in account (QR code on the dashboard\'s source page, a saved session in data/sessions/kuaishou/, or a cookie in cookiesEnv)', 'Chromium'], browserSession: true },
  login: KUAISHOU_LOGIN,
  headers: () => ({ accept: 'application/json, text/plain, */*', referer: `${WEB}/` }),
  start(url, p) {
    const path = new URL(url).pathname;
    if (path.startsWith('/search/') || path.startsWith('/short-video/')) {
      return [{ url, render: true, label: path.startsWith('/search/') ? 'search' : 'video', meta: { session: { ...KUAISHOU_SESSION, account: p.account } } }];
    }
    return [{ url }];
  },
  parse({ page, params: p }) {
    if (page.request.meta?.session) {
      const m = /\/short-video\/([^/?#]+)/.exec(new URL(page.request.url).pathname);
      const obs: Observation[] = [];
      for (const r of capturedResponses(page)) obs.push(...(parseGraphql(r.body, r.url, m ? decodeURIComponent(m[1]) : null) ?? []));
      const requests: CrawlRequest[] = page.request.label === 'video' ? [] : obs.filter((o) => o.kind === 'post').slice(0, p.comments).map((o) => ({
        url: new URL(`/short-video/${encodeURIComponent(o.id)}`, page.request.url).href, label: 'video', follow: 'detail' as const, render: true, meta: { session: page.request.meta?.session },
      }));
      return { observations: obs, requests };
    }
    const got = parseGraphql(parseJson(page), page.url, new URL(page.url).searchParams.get('photoId'));
    if (!got) throw new ParseError(`kuaishou: no visionSearchPhoto, visionVideoDetail or visionCommentList in the answer at ${page.url}`, page.url);
    return { observations: got };
  },
});
