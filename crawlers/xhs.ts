// xhs: Xiaohongshu (小红书) notes and comments. Xiaohongshu signs every web API request (x-s, x-t,
// x-s-common), so this adapter does not re-implement the signature: it runs the site's own search
// page (www.xiaohongshu.com/search_result?keyword=) and note pages (/explore/<id>) in a logged-in
// browser session (src/crawl/browser-session.ts) and reads the API answers the page itself fetched:
// - /api/sns/web/v1/search/notes: data.items[] (model_type note) -> posts (title, author, likes);
// - /api/sns/web/v1/feed: data.items[].note_card -> the note in full (desc, time, likes, collects,
//   comments, shares, IP location);
// - /api/sns/web/v2/comment/page: data.comments[] with sub_comments -> comments (parentId = note).
// Follow-ups: the note pages of the top `comments` results (rendered in the same session; the page
// loads the note and its first comments) and nothing else: paging a signed search is the page's job.
// The same API bodies fetched directly (a captured answer served at its API path) parse the same,
// which is how `crawl --type xhs --url <saved answer>` and the tests run. A captcha or login page,
// or code -100/-101/300011-300013/461, is a blocked session: the source pauses and the desk is told
// (source health) instead of retrying; see README "Logged-in browser sessions".
import { z } from 'zod';
import { defineAdapter, parseJson, type CrawlRequest, type Page } from '../src/crawl/adapter.js';
import { BlockedError, ParseError } from '../src/crawl/errors.js';
import { get, asArray, str, parseCount } from '../src/crawl/text.js';
import type { Observation } from '../src/core/observation.js';
import { capturedResponses, type BrowserSessionSpec } from '../src/crawl/browser-session.js';
import type { LoginSpec } from '../src/crawl/login-spec.js';
import { intParam, isoFromUnix } from './lib/social.js';

const params = z.object({
  /** open the note pages (note in full and its first comments) of this many top results */
  comments: intParam(3, 0, 20),
  /** the saved browser session (account) to use, as named under data/sessions/xhs/ */
  account: z.string().regex(/^[\w.-]{1,40}$/, 'letters, digits, . _ -').default('default'),
}).strict();
type Params = z.infer<typeof params>;

const WEB = 'https://www.xiaohongshu.com';
const SEARCH_API = '/api/sns/web/v1/search/notes';
const FEED_API = '/api/sns/web/v1/feed';
const COMMENT_API = '/api/sns/web/v2/comment/page';
/** -100 login expired, -101 not logged in, 300011 account abnormal, 300012/300013 IP or rate risk, 461 verify */
const BLOCKED_CODES = new Set([-100, -101, 300011, 300012, 300013, 461]);

/** What the browser session does on Xiaohongshu's pages (site knowledge stays in this file). */
export const XHS_SESSION: Omit<BrowserSessionSpec, 'account'> = {
  site: 'xhs',
  capture: [SEARCH_API, FEED_API, COMMENT_API],
  captcha: { urls: ['/website-login/captcha', '/web-login/captcha', 'verifyType=', 'verifyUuid='], texts: ['请完成安全验证', '滑块验证', '验证码'] },
  login: { urls: ['/website-login/error', '/login?redirectPath'], texts: ['登录后查看更多', '扫码登录', '手机号登录'] },
  challengeStatuses: [461, 471],
  settleMs: 1500,
};

/**
 * QR login on the dashboard (src/crawl/qr-login.ts). The explore page opens a login panel for a
 * visitor; the QR image's class and the web_session cookie (a visitor has one too: a login
 * replaces it) are what public clients (MediaCrawler's xhs login) use. The button that opens the
 * panel (by its place in the page), the panel's class and the expiry texts are GUESSED. None of it
 * was checked against the live site.
 */
export const XHS_LOGIN: LoginSpec = {
  site: 'xhs',
  url: `${WEB}/explore`,
  domain: 'xiaohongshu.com',
  qrSelector: 'img.qrcode-img',
  panelSelector: '.login-container', // GUESSED
  openSelector: '#app > div:first-child > div:nth-child(2) > div:first-child > ul > div:first-child > button', // GUESSED
  loginCookies: ['web_session'],
  expiredTexts: ['二维码已过期', '二维码已失效'], // GUESSED
  qrLifetimeMs: 120_000,
  guessed: ['qrSelector', 'panelSelector', 'openSelector', 'loginCookies', 'expiredTexts'],
};

const noteUrl = (id: string, token?: string | null) => `${WEB}/explore/${encodeURIComponent(id)}${token ? `?xsec_token=${encodeURIComponent(token)}&xsec_source=pc_search` : ''}`;

function check(data: unknown, url: string): void {
  const code = get(data, 'code');
  const ok = get(data, 'success');
  if ((typeof code === 'number' && code !== 0) || ok === false) {
    const msg = `xhs: code ${String(code)} (${str(get(data, 'msg')) ?? 'no message'}) at ${url}`;
    if (typeof code === 'number' && BLOCKED_CODES.has(code)) throw new BlockedError(msg, url);
    throw new ParseError(msg, url);
  }
  if (data == null || typeof data !== 'object') throw new ParseError(`xhs: unexpected answer at ${url}`, url);
}

function user(u: unknown): Observation['author'] {
  if (!u || typeof u !== 'object') return null;
  return { id: str(get(u, 'user_id')) ?? str(get(u, 'userid')), name: str(get(u, 'nickname')) ?? str(get(u, 'nick_name')), followers: null, verified: null };
}

function searchNotes(data: unknown): Observation[] {
  const out: Observation[] = [];
  for (const it of asArray(get(data, 'data', 'items'))) {
    if (get(it, 'model_type') !== 'note') continue;
    const id = str(get(it, 'id'));
    const card = get(it, 'note_card');
    const title = str(get(card, 'display_title')) ?? str(get(card, 'title'));
    if (!id || !title) continue; // untitled notes come in full from the note page
    const token = str(get(it, 'xsec_token'));
    out.push({
      at: '', source: 'xhs', kind: 'post', id, url: noteUrl(id, token), title, text: title,
      author: user(get(card, 'user')),
      metrics: { likes: parseCount(get(card, 'interact_info', 'liked_count')), comments: parseCount(get(card, 'interact_info', 'comment_count')), reposts: parseCount(get(card, 'interact_info', 'shared_count')) },
      extra: { noteType: str(get(card, 'type')), ...(token ? { xsecToken: token } : {}) },
    });
  }
  return out;
}

function feedNotes(data: unknown, token: string | null): Observation[] {
  const out: Observation[] = [];
  for (const it of asArray(get(data, 'data', 'items'))) {
    const card = get(it, 'note_card');
    const id = str(get(card, 'note_id')) ?? str(get(it, 'id'));
    if (!id || !card) continue;
    const title = str(get(card, 'title'));
    const desc = str(get(card, 'desc'));
    if (!title && !desc) continue;
    const ii = get(card, 'interact_info');
    out.push({
      at: '', source: 'xhs', kind: 'post', id, url: noteUrl(id, str(get(it, 'xsec_token')) ?? token), title, text: desc ?? title,
      author: user(get(card, 'user')),
      publishedAt: isoFromUnix(get(card, 'time')),
      metrics: { likes: parseCount(get(ii, 'liked_count')), comments: parseCount(get(ii, 'comment_count')), reposts: parseCount(get(ii, 'share_count')) },
      extra: Object.fromEntries(Object.entries({
        collects: parseCount(get(ii, 'collected_count')), noteType: str(get(card, 'type')), location: str(get(card, 'ip_location')),
        tags: asArray(get(card, 'tag_list')).map((t) => str(get(t, 'name'))).filter(Boolean).join(',') || null,
      }).filter(([, v]) => v != null)),
    });
  }
  return out;
}

function commentObs(c: unknown, noteId: string | null, out: Observation[], root: string | null = null): void {
  const id = str(get(c, 'id'));
  const text = str(get(c, 'content'));
  const parent = str(get(c, 'note_id')) ?? noteId;
  if (!id || !text || !parent) return;
  const target = str(get(c, 'target_comment', 'id'));
  out.push({
    at: '', source: 'xhs', kind: 'comment', id, url: noteUrl(parent), parentId: parent,
    author: user(get(c, 'user_info')),
    text,
    publishedAt: isoFromUnix(get(c, 'create_time')),
    metrics: { likes: parseCount(get(c, 'like_count')) ?? 0, comments: parseCount(get(c, 'sub_comment_count')) ?? 0 },
    extra: Object.fromEntries(Object.entries({ replyTo: root, inReplyTo: target && target !== root ? target : null, location: str(get(c, 'ip_location')) }).filter(([, v]) => v != null)),
  });
  for (const s of asArray(get(c, 'sub_comments'))) commentObs(s, parent, out, id);
}

function comments(data: unknown, url: string): Observation[] {
  const out: Observation[] = [];
  const noteId = new URL(url).searchParams.get('note_id');
  for (const c of asArray(get(data, 'data', 'comments'))) commentObs(c, noteId, out);
  return out;
}

/** One API answer by its path; null when the path is not one this adapter reads. */
function parseApi(path: string, data: unknown, url: string, token: string | null = null): Observation[] | null {
  if (path.endsWith(SEARCH_API)) { check(data, url); return searchNotes(data); }
  if (path.endsWith(FEED_API)) { check(data, url); return feedNotes(data, token); }
  if (path.endsWith(COMMENT_API)) { check(data, url); return comments(data, url); }
  return null;
}

function noteFollowUps(posts: Observation[], page: Page, p: Params): CrawlRequest[] {
  if (!page.request.meta?.session || page.request.label === 'note') return [];
  return posts.filter((o) => o.kind === 'post').slice(0, p.comments).map((o) => ({
    url: new URL(`/explore/${encodeURIComponent(o.id)}${o.extra?.xsecToken ? `?xsec_token=${encodeURIComponent(String(o.extra.xsecToken))}&xsec_source=pc_search` : ''}`, page.request.url).href,
    label: 'note', follow: 'detail' as const, render: true, meta: { session: page.request.meta?.session },
  }));
}

export default defineAdapter({
  id: 'xhs',
  description: 'Xiaohongshu (小红书): note search, note and comments, read from the site\'s own API answers in a logged-in browser session (search/notes, feed, comment/page)',
  example: 'https://www.xiaohongshu.com/search_result?keyword=%E6%98%9F%E6%B2%B3%E4%B9%B3%E4%B8%9A&source=web_search_result_notes',
  params,
  features: { requireConfig: ['a logged-in account (QR code on the dashboard\'s source page, or a saved session in data/sessions/xhs/: see README)', 'Chromium'], blockedStatuses: [401, 403, 461, 471], browserSession: true },
  login: XHS_LOGIN,
  headers: () => ({ accept: 'application/json, text/plain, */*', referer: `${WEB}/`, origin: WEB }),
  start(url, p) {
    const path = new URL(url).pathname;
    if (path === '/search_result' || path.startsWith('/explore/') || path.startsWith('/discovery/item/')) {
      return [{ url, render: true, label: path === '/search_result' ? 'search' : 'note', meta: { session: { ...XHS_SESSION, account: p.account } } }];
    }
    return [{ url }];
  },
  parse({ page, params: p }) {
    if (page.request.meta?.session) {
      const obs: Observation[] = [];
      const token = new URL(page.request.url).searchParams.get('xsec_token'); // a note page's own link token
      for (const r of capturedResponses(page)) {
        const got = parseApi(new URL(r.url).pathname, r.body, r.url, token);
        if (got) obs.push(...got);
      }
      return { observations: obs, requests: noteFollowUps(obs, page, p) };
    }
    const path = new URL(page.url).pathname.replace(/\/+$/, '');
    const got = parseApi(path, parseJson(page), page.url);
    if (!got) throw new ParseError(`xhs: cannot tell the kind of page from the path ${path} (expected ${SEARCH_API}, ${FEED_API}, ${COMMENT_API}, or a /search_result page run in a browser session)`, page.url);
    return { observations: got };
  },
});
