// zhihu: Zhihu answers, articles and comments from the web JSON API (www.zhihu.com/api/v4). By path:
// - search /api/v4/search_v3?t=general&q= (data[] of search_result items whose object is an answer,
//   article or zvideo): posts; follow-ups: the comments of the top `comments` answers, the next page;
// - answers of a question /api/v4/questions/{id}/answers (data[] are answers) and /questions/{id}/feeds
//   (data[].target are answers, the web page's own endpoint), and the recommend feed
//   (api.zhihu.com/topstory/recommend, /api/v3/feed/topstory/recommend: data[].target): posts with
//   the question as title, the author's follower count, votes, comments, views;
// - one answer /api/v4/answers/{id} or article /api/v4/articles/{id} (re-observation): the post;
// - comments /api/v4/comment_v5/answers/{id}/root_comment (also articles/{id}) and the older
//   /api/v4/answers/{id}/root_comments and /comments: comments (parentId = the answer) with the
//   replies shown under them; /api/v4/comment_v5/comment/{id}/child_comment: replies.
// Paging follows paging.next (rebased on the crawled origin) while paging.is_end is false.
// Ids: an answer keeps its number (its URL /question/Q/answer/A); articles are `article-N`, videos
// `zvideo-N`, comments `comment-N`. Zhihu signs search requests (x-zse-96) and wants a logged-in
// cookie for search and comments: 401/403 or an `error` body is a blocked session. Without the
// signature, run search through a logged-in browser session (see README) and give this adapter
// the answers/comments endpoints, which answer with a cookie alone.
import { z } from 'zod';
import { defineAdapter, parseJson, type CrawlRequest, type Page } from '../src/crawl/adapter.js';
import { BlockedError, ParseError } from '../src/crawl/errors.js';
import { get, asArray, str, parseCount, htmlToText } from '../src/crawl/text.js';
import type { Observation } from '../src/core/observation.js';
import { intParam, isoFromUnix } from './lib/social.js';
import type { LoginSpec } from '../src/crawl/login-spec.js';

const params = z.object({
  /** fetch the comments of this many top answers of a listing (0 = none) */
  comments: intParam(3, 0, 20),
  /** comment pages per answer */
  commentPages: intParam(1, 1, 20),
  /** listing pages to follow (the start page included) */
  listPages: intParam(2, 1, 50),
}).strict();
type Params = z.infer<typeof params>;

const WEB = 'https://www.zhihu.com';

/**
 * QR login on the dashboard (src/crawl/qr-login.ts): the sign-in page draws its QR code on a
 * canvas.Qrcode-qrcode, and a login sets z_c0 (what public clients, MediaCrawler's zhihu login,
 * use). The saved cookies then go with this adapter's plain API requests. The panel's class and
 * the expiry texts are GUESSED. None of it was checked against the live site.
 */
export const ZHIHU_LOGIN: LoginSpec = {
  site: 'zhihu',
  url: `${WEB}/signin?next=%2F`,
  domain: 'zhihu.com',
  qrSelector: 'canvas.Qrcode-qrcode',
  panelSelector: '.SignContainer-content', // GUESSED
  loginCookies: ['z_c0'],
  expiredTexts: ['二维码已失效', '二维码已过期'], // GUESSED
  qrLifetimeMs: 120_000,
  guessed: ['qrSelector', 'panelSelector', 'loginCookies', 'expiredTexts'],
};

/** A logged-in wall or refusal: `{"error": {...}}` (or need_login). */
function check(data: unknown, page: Page): void {
  const err = get(data, 'error');
  if (err && typeof err === 'object') {
    throw new BlockedError(`zhihu: Zhihu refused the request (${str(get(err, 'code')) ?? '?'}: ${str(get(err, 'message')) ?? 'no message'}) at ${page.url}`, page.url);
  }
  if (data == null || typeof data !== 'object') throw new ParseError(`zhihu: unexpected answer at ${page.url}`, page.url);
}

function author(a: unknown): Observation['author'] {
  const m = get(a, 'member') ?? a; // old root_comments nest the person in author.member
  if (!m || typeof m !== 'object') return null;
  const badges = [...asArray(get(m, 'badge')), ...asArray(get(m, 'badge_v2', 'merged_badges'))];
  const id = str(get(m, 'id'));
  return {
    id: id === '0' ? null : id, // anonymous answers carry id "0"
    name: str(get(m, 'name')),
    followers: parseCount(get(m, 'follower_count')) ?? parseCount(get(m, 'followers_count')),
    verified: badges.length ? badges.some((b) => get(b, 'type') === 'identity' || get(b, 'detail_type') === 'identity') : get(m, 'is_org') === true ? true : null,
  };
}

const stripEm = (s: string | null) => (s ? htmlToText(s) : null);

/** An answer, article or video object as a post. */
function contentObs(o: unknown, highlight?: unknown): Observation | null {
  const type = str(get(o, 'type'));
  const rawId = str(get(o, 'id'));
  if (!rawId || !type) return null;
  const question = get(o, 'question');
  const qid = str(get(question, 'id'));
  const qTitle = stripEm(str(get(question, 'title')) ?? str(get(question, 'name')));
  let id: string;
  let url: string;
  if (type === 'answer') {
    id = rawId;
    url = qid ? `${WEB}/question/${qid}/answer/${rawId}` : `${WEB}/answer/${rawId}`;
  } else if (type === 'article') {
    id = `article-${rawId}`;
    url = `https://zhuanlan.zhihu.com/p/${rawId}`;
  } else if (type === 'zvideo') {
    id = `zvideo-${rawId}`;
    url = `${WEB}/zvideo/${rawId}`;
  } else return null;
  const title = qTitle ?? stripEm(str(get(o, 'title'))) ?? stripEm(str(get(highlight, 'title')));
  const text = htmlToText(str(get(o, 'content')) ?? '') || stripEm(str(get(o, 'excerpt'))) || stripEm(str(get(highlight, 'description'))) || stripEm(str(get(o, 'description'))) || '';
  if (!title && !text) return null;
  return {
    at: '', source: 'zhihu', kind: 'post', id, url, title: title ?? null, text: text || null,
    author: author(get(o, 'author')),
    publishedAt: isoFromUnix(get(o, 'created_time')) ?? isoFromUnix(get(o, 'created')) ?? isoFromUnix(get(o, 'published_at')),
    metrics: {
      likes: parseCount(get(o, 'voteup_count')) ?? parseCount(get(o, 'vote_count')),
      comments: parseCount(get(o, 'comment_count')),
      views: parseCount(get(o, 'visited_count')) ?? parseCount(get(o, 'play_count')),
    },
    extra: Object.fromEntries(Object.entries({
      type, questionId: qid, thanks: parseCount(get(o, 'thanks_count')), favorites: parseCount(get(o, 'favorite_count')) ?? parseCount(get(o, 'favlists_count')),
      updatedAt: isoFromUnix(get(o, 'updated_time')) ?? isoFromUnix(get(o, 'updated')),
    }).filter(([, v]) => v != null)),
  };
}

function commentObs(c: unknown, parentId: string, out: Observation[], replyTo: string | null = null): void {
  const raw = str(get(c, 'id'));
  const text = htmlToText(str(get(c, 'content')) ?? '');
  if (!raw || !text) return;
  const ip = asArray(get(c, 'comment_tag')).find((t) => get(t, 'type') === 'ip_info');
  const root = replyTo ?? (() => {
    const r = str(get(c, 'reply_root_comment_id'));
    return r && r !== raw && r !== '0' ? `comment-${r}` : null;
  })();
  out.push({
    at: '', source: 'zhihu', kind: 'comment', id: `comment-${raw}`,
    url: parentId.startsWith('article-') ? `https://zhuanlan.zhihu.com/p/${parentId.slice(8)}` : `${WEB}/answer/${parentId}`,
    parentId,
    author: author(get(c, 'author')),
    text,
    publishedAt: isoFromUnix(get(c, 'created_time')),
    metrics: { likes: parseCount(get(c, 'like_count')) ?? parseCount(get(c, 'vote_count')) ?? 0, comments: parseCount(get(c, 'child_comment_count')) ?? 0 },
    extra: Object.fromEntries(Object.entries({
      replyTo: root,
      location: ip ? str(get(ip, 'text'))?.replace(/^IP\s*属地\s*/, '') ?? null : null,
      dislikes: parseCount(get(c, 'dislike_count')),
    }).filter(([, v]) => v != null)),
  });
  for (const r of asArray(get(c, 'child_comments'))) commentObs(r, parentId, out, `comment-${raw}`);
}

/** paging.next on the crawled origin (Zhihu writes http://www.zhihu.com/... links). */
function nextUrl(data: unknown, page: Page): string | null {
  if (get(data, 'paging', 'is_end') !== false) return null;
  const next = str(get(data, 'paging', 'next'));
  if (!next) return null;
  try {
    const n = new URL(next, page.url);
    return new URL(n.pathname + n.search, new URL(page.url).origin).href;
  } catch {
    return null;
  }
}

function commentsUrl(origin: string, o: Observation): string | null {
  const raw = o.id.replace(/^article-/, '');
  if (o.extra?.type === 'answer') return `${origin}/api/v4/comment_v5/answers/${raw}/root_comment?order_by=score&limit=20&offset=`;
  if (o.extra?.type === 'article') return `${origin}/api/v4/comment_v5/articles/${raw}/root_comment?order_by=score&limit=20&offset=`;
  return null;
}

function listing(posts: Observation[], data: unknown, page: Page, p: Params) {
  const origin = new URL(page.url).origin;
  const requests: CrawlRequest[] = [];
  const pageNo = typeof page.request.meta?.listPage === 'number' ? page.request.meta.listPage : 1;
  if (pageNo === 1) {
    for (const o of posts.filter((x) => (x.metrics?.comments ?? 1) > 0).slice(0, p.comments)) {
      const url = commentsUrl(origin, o);
      if (url) requests.push({ url, follow: 'detail', label: 'comments', meta: { parentId: o.id, commentPage: 1 } });
    }
  }
  const next = nextUrl(data, page);
  if (next && posts.length && pageNo < p.listPages) requests.push({ url: next, follow: 'next', meta: { listPage: pageNo + 1 } });
  return { observations: posts, requests };
}

export default defineAdapter({
  id: 'zhihu',
  description: 'Zhihu (www.zhihu.com/api/v4): search (search_v3), answers of a question (/questions/{id}/answers, /feeds), comments (comment_v5 root_comment, root_comments, child_comment)',
  example: 'https://www.zhihu.com/api/v4/questions/562083816/feeds?limit=5&order=default',
  params,
  features: { requireConfig: ['a logged-in cookie (z_c0, d_c0): QR code on the dashboard\'s source page, or cookiesEnv; search also needs the x-zse-96 signature: run it through a browser session'], blockedStatuses: [401, 403] },
  login: ZHIHU_LOGIN,
  headers: () => ({ accept: 'application/json, text/plain, */*', referer: `${WEB}/`, 'x-requested-with': 'fetch' }),
  // the metrics of an answer or article seen before: its own API object
  reobserveUrl: (obs, _p, sourceUrl) => {
    const origin = new URL(sourceUrl).origin;
    if (/^\d+$/.test(obs.id)) return `${origin}/api/v4/answers/${obs.id}?include=content,voteup_count,comment_count,created_time,updated_time,visited_count`;
    const a = /^article-(\d+)$/.exec(obs.id);
    return a ? `${origin}/api/v4/articles/${a[1]}` : null;
  },
  parse({ page, params: p }) {
    const path = new URL(page.url).pathname.replace(/\/+$/, '');
    const data = parseJson(page);
    check(data, page);
    if (/\/api\/v4\/search_v3$/.test(path)) {
      const posts = asArray(get(data, 'data'))
        .map((it) => contentObs(get(it, 'object'), get(it, 'highlight')))
        .filter((o): o is Observation => !!o);
      return listing(posts, data, page, p);
    }
    if (/\/api\/v4\/questions\/\d+\/(answers|feeds)$/.test(path) || /\/topstory\/recommend$/.test(path)) {
      const posts = asArray(get(data, 'data'))
        .map((it) => contentObs(get(it, 'target') ?? it))
        .filter((o): o is Observation => !!o);
      return listing(posts, data, page, p);
    }
    if (/\/api\/v4\/(answers|articles)\/\d+$/.test(path)) {
      const o = contentObs(data); // one answer or article (re-observation)
      return { observations: o ? [o] : [] };
    }
    const m = /\/api\/v4\/(?:comment_v5\/)?(answers|articles)\/(\d+)\/(root_comment|root_comments|comments)$/.exec(path);
    const child = /\/api\/v4\/comment_v5\/comment\/(\d+)\/child_comment$/.exec(path);
    if (m || child) {
      const parentId = str(page.request.meta?.parentId) ?? (m ? (m[1] === 'articles' ? `article-${m[2]}` : m[2]) : null);
      if (!parentId) throw new ParseError(`zhihu: a child-comment page needs the answer it belongs to (crawl the answer's root_comment page instead) at ${page.url}`, page.url);
      const out: Observation[] = [];
      for (const c of asArray(get(data, 'data'))) commentObs(c, parentId, out, child ? `comment-${child[1]}` : null);
      const requests: CrawlRequest[] = [];
      const pageNo = typeof page.request.meta?.commentPage === 'number' ? page.request.meta.commentPage : 1;
      const next = nextUrl(data, page);
      if (next && out.length && pageNo < p.commentPages) requests.push({ url: next, follow: 'next', label: 'comments', meta: { parentId, commentPage: pageNo + 1 } });
      return { observations: out, requests };
    }
    throw new ParseError(`zhihu: cannot tell the kind of page from the path ${path} (expected /api/v4/search_v3, /api/v4/questions/{id}/answers or /feeds, /api/v4/comment_v5/answers/{id}/root_comment)`, page.url);
  },
});
