// bilibili: Bilibili videos and their comments from the web JSON API. By path:
// - video search /x/web-interface/search/type?search_type=video&keyword= (and the WBI-signed
//   /x/web-interface/wbi/search/type; /search/all/v2 and /wbi/search/all/v2, whose data.result[] groups
//   results by result_type): posts (id = BV id) with author, views, comments, likes, publishedAt;
//   follow-ups: the comments of the top `comments` results and the next result page;
// - one video /x/web-interface/view?bvid= (also /wbi/view) and video lists (/x/web-interface/popular,
//   /ranking/v2: data.list[]): posts with full stat;
// - comments /x/v2/reply?type=1&oid=<aid> (page numbers), /x/v2/reply/main and /x/v2/reply/wbi/main
//   (cursor): comments (parentId = the video's BV id) with their inline replies, hot and pinned ones;
// - /x/relation/stat?vmid=: the follower count of a result's author, merged into the post.
// WBI: a /wbi/ URL without w_rid starts with the nav endpoint (/x/web-interface/nav, whose
// data.wbi_img carries the day's keys; its code -101 "not logged in" is normal) and is signed with
// them (crawlers/lib/bilibili-ids.ts); follow-ups to /wbi/ paths are signed with the same keys.
// Codes -352 / -412 (risk control) and -101 on a data endpoint are a blocked session; give the source a
// cookie (buvid3, or a logged-in SESSDATA) or slow it down.
import { z } from 'zod';
import { defineAdapter, parseJson, type CrawlRequest, type Page } from '../src/crawl/adapter.js';
import { BlockedError, ParseError } from '../src/crawl/errors.js';
import { get, asArray, str, parseCount, htmlToText } from '../src/crawl/text.js';
import type { Observation } from '../src/core/observation.js';
import { aidToBvid, signWbi, wbiKeysFrom, type WbiKeys } from './lib/bilibili-ids.js';
import { boolParam, intParam, isoFromUnix, withQuery, queryInt } from './lib/social.js';

const params = z.object({
  /** fetch the comments of this many top search results (0 = none) */
  comments: intParam(3, 0, 20),
  /** comment pages per video (20 comments a page) */
  commentPages: intParam(1, 1, 20),
  /** look up the follower count of the top results' authors (/x/relation/stat) */
  followers: boolParam(true),
  /** result pages of a search to follow (the start page included) */
  searchPages: intParam(2, 1, 50),
}).strict();
type Params = z.infer<typeof params>;

const BLOCKED = new Set([-101, -352, -412]);
const WEB = 'https://www.bilibili.com';
const videoUrl = (id: string) => `${WEB}/video/${encodeURIComponent(id)}`;

/** code 0 goes on; 12002 (comments closed) and -404 are empty; risk control is a blocked session. */
function check(data: unknown, page: Page, allowLogin = false): boolean {
  const code = get(data, 'code');
  if (typeof code !== 'number' || code === 0) {
    if (data == null || typeof data !== 'object') throw new ParseError(`bilibili: unexpected answer at ${page.url}`, page.url);
    return true;
  }
  if (allowLogin && code === -101) return true;
  const msg = `bilibili: code ${code} (${str(get(data, 'message')) ?? 'no message'}) at ${page.url}`;
  if (BLOCKED.has(code)) throw new BlockedError(msg, page.url);
  if (code === 12002 || code === 12061 || code === -404 || code === 62002 || code === 62004) return false;
  throw new ParseError(msg, page.url);
}

function keysOf(req: CrawlRequest): WbiKeys | null {
  const k = req.meta?.wbi as WbiKeys | undefined;
  return k && typeof k.img === 'string' && typeof k.sub === 'string' ? k : null;
}

/** A follow-up; signed when its path is a /wbi/ one and the keys are known. */
function follow(url: string, page: Page, now: Date, rest: Omit<CrawlRequest, 'url'>): CrawlRequest {
  const keys = keysOf(page.request);
  const signed = keys && new URL(url).pathname.includes('/wbi/') ? signWbi(url, keys, now) : url;
  return { ...rest, url: signed, meta: { ...(rest.meta ?? {}), ...(keys ? { wbi: keys } : {}) } };
}

/** A search hit (search/type) or an archive (view, popular, ranking) as a post. */
function videoObs(v: unknown): Observation | null {
  const aid = str(get(v, 'aid')) ?? (get(v, 'type') === 'video' ? str(get(v, 'id')) : null);
  const bvid = str(get(v, 'bvid')) ?? aidToBvid(aid);
  const id = bvid ?? (aid ? `av${aid}` : null);
  const title = htmlToText(str(get(v, 'title')) ?? '');
  if (!id || !title) return null;
  const desc = htmlToText(str(get(v, 'description')) ?? str(get(v, 'desc')) ?? '');
  const stat = get(v, 'stat');
  const official = get(v, 'owner', 'official', 'type') ?? get(v, 'owner_official', 'type');
  return {
    at: '', source: 'bilibili', kind: 'post', id, url: videoUrl(id),
    author: {
      id: str(get(v, 'mid')) ?? str(get(v, 'owner', 'mid')),
      name: str(get(v, 'author')) ?? str(get(v, 'owner', 'name')),
      followers: null,
      verified: typeof official === 'number' ? official >= 0 : null,
    },
    title,
    text: desc && desc !== '-' ? desc : title,
    publishedAt: isoFromUnix(get(v, 'pubdate')) ?? isoFromUnix(get(v, 'senddate')) ?? isoFromUnix(get(v, 'ctime')),
    metrics: {
      views: parseCount(get(v, 'play')) ?? parseCount(get(stat, 'view')),
      comments: parseCount(get(v, 'review')) ?? parseCount(get(stat, 'reply')),
      likes: parseCount(get(v, 'like')) ?? parseCount(get(stat, 'like')),
      reposts: parseCount(get(stat, 'share')),
    },
    extra: Object.fromEntries(Object.entries({
      aid: aid ? Number(aid) : null,
      danmaku: parseCount(get(v, 'video_review')) ?? parseCount(get(stat, 'danmaku')),
      favorites: parseCount(get(v, 'favorites')) ?? parseCount(get(stat, 'favorite')),
      coins: parseCount(get(stat, 'coin')),
      category: str(get(v, 'typename')) ?? str(get(v, 'tname')),
      tags: str(get(v, 'tag')),
      duration: str(get(v, 'duration')),
    }).filter(([, x]) => x != null)),
  };
}

/** One comment (and, flattened, the replies shown under it). */
function commentObs(c: unknown, videoId: string, out: Observation[]): void {
  const id = str(get(c, 'rpid_str')) ?? str(get(c, 'rpid'));
  const text = str(get(c, 'content', 'message'));
  if (!id || !text) return;
  const root = str(get(c, 'root_str')) ?? str(get(c, 'root'));
  const parent = str(get(c, 'parent_str')) ?? str(get(c, 'parent'));
  const official = get(c, 'member', 'official_verify', 'type');
  const location = str(get(c, 'reply_control', 'location'));
  out.push({
    at: '', source: 'bilibili', kind: 'comment', id,
    url: `${videoUrl(videoId)}#reply${id}`,
    parentId: videoId,
    author: {
      id: str(get(c, 'member', 'mid')) ?? str(get(c, 'mid')),
      name: str(get(c, 'member', 'uname')),
      followers: null,
      verified: typeof official === 'number' ? official >= 0 : null,
    },
    text: htmlToText(text),
    publishedAt: isoFromUnix(get(c, 'ctime')),
    metrics: { likes: parseCount(get(c, 'like')) ?? 0, comments: parseCount(get(c, 'rcount')) ?? 0 },
    extra: Object.fromEntries(Object.entries({
      replyTo: root && root !== '0' ? root : null,
      inReplyTo: parent && parent !== '0' && parent !== root ? parent : null,
      level: parseCount(get(c, 'member', 'level_info', 'current_level')),
      location: location ? location.replace(/^IP属地[:：]\s*/, '') : null,
    }).filter(([, x]) => x != null)),
  });
  for (const r of asArray(get(c, 'replies'))) commentObs(r, videoId, out);
}

function parseSearch(data: unknown, page: Page, p: Params, now: Date) {
  let hits = asArray(get(data, 'data', 'result'));
  // search/all/v2 groups results by result_type; its bili_user group gives followers (fans) of those users
  const users = new Map<string, { followers: number | null; verified: boolean | null }>();
  if (hits.some((h) => Array.isArray(get(h, 'data')))) {
    for (const u of hits.filter((h) => get(h, 'result_type') === 'bili_user').flatMap((h) => asArray(get(h, 'data')))) {
      const mid = str(get(u, 'mid'));
      const official = get(u, 'official_verify', 'type');
      if (mid) users.set(mid, { followers: parseCount(get(u, 'fans')), verified: typeof official === 'number' ? official >= 0 : null });
    }
    hits = hits.filter((h) => get(h, 'result_type') === 'video').flatMap((h) => asArray(get(h, 'data')));
  }
  const posts = hits.filter((h) => get(h, 'type') == null || get(h, 'type') === 'video').map(videoObs).filter((o): o is Observation => !!o);
  for (const o of posts) {
    const u = o.author?.id ? users.get(o.author.id) : undefined;
    if (u && o.author) o.author = { ...o.author, followers: u.followers, verified: u.verified ?? o.author.verified };
  }
  const origin = new URL(page.url).origin;
  const requests: CrawlRequest[] = [];
  const pageNo = parseCount(get(data, 'data', 'page')) ?? queryInt(page.url, 'page', 1);
  // the top results are those of the first page: later pages add posts, not more comment fetches
  const top = pageNo === 1 ? posts : [];
  for (const o of top.slice(0, p.comments)) {
    const aid = o.extra?.aid;
    if (typeof aid !== 'number' || o.metrics?.comments === 0) continue;
    const signedSearch = keysOf(page.request) != null;
    const url = signedSearch
      ? `${origin}/x/v2/reply/wbi/main?oid=${aid}&type=1&mode=3&plat=1`
      : `${origin}/x/v2/reply?type=1&oid=${aid}&sort=1&ps=20&pn=1`;
    requests.push(follow(url, page, now, { follow: 'detail', label: 'comments', meta: { videoId: o.id, commentPage: 1 } }));
  }
  if (p.followers) {
    const mids = [...new Set(top.slice(0, Math.max(p.comments, 1)).filter((o) => o.author?.followers == null).map((o) => o.author?.id).filter((m): m is string => !!m))];
    for (const mid of mids) {
      requests.push({ url: `${origin}/x/relation/stat?vmid=${encodeURIComponent(mid)}`, follow: 'detail', label: 'followers', meta: { posts: posts.filter((o) => o.author?.id === mid).map((o) => o.id) } });
    }
  }
  const numPages = parseCount(get(data, 'data', 'numPages'));
  if (posts.length && pageNo < p.searchPages && (numPages == null || pageNo < numPages)) {
    requests.push(follow(withQuery(page.url, 'page', String(pageNo + 1)), page, now, { follow: 'next' }));
  }
  return { observations: posts, requests };
}

function parseComments(data: unknown, page: Page, p: Params, now: Date, path: string) {
  const q = new URL(page.url).searchParams;
  const videoId = str(page.request.meta?.videoId) ?? aidToBvid(q.get('oid')) ?? `av${q.get('oid') ?? '?'}`;
  const d = get(data, 'data');
  const out: Observation[] = [];
  for (const c of [get(d, 'upper', 'top'), ...asArray(get(d, 'top_replies')), ...asArray(get(d, 'hots')), ...asArray(get(d, 'replies'))]) {
    if (c) commentObs(c, videoId, out);
  }
  const requests: CrawlRequest[] = [];
  const pageNo = typeof page.request.meta?.commentPage === 'number' ? page.request.meta.commentPage : 1;
  if (out.length && pageNo < p.commentPages) {
    const meta = { videoId, commentPage: pageNo + 1 };
    if (path.endsWith('/main')) {
      const offset = str(get(d, 'cursor', 'pagination_reply', 'next_offset'));
      const next = str(get(d, 'cursor', 'next'));
      if (get(d, 'cursor', 'is_end') !== true && (offset || next)) {
        const url = offset ? withQuery(page.url, 'pagination_str', JSON.stringify({ offset })) : withQuery(page.url, 'next', next);
        requests.push(follow(url, page, now, { follow: 'next', label: 'comments', meta }));
      }
    } else {
      const num = parseCount(get(d, 'page', 'num')) ?? queryInt(page.url, 'pn', 1);
      const size = parseCount(get(d, 'page', 'size')) ?? 20;
      const count = parseCount(get(d, 'page', 'count'));
      if (count == null || num * size < count) requests.push(follow(withQuery(page.url, 'pn', String(num + 1)), page, now, { follow: 'next', label: 'comments', meta }));
    }
  }
  return { observations: out, requests };
}

export default defineAdapter({
  id: 'bilibili',
  description: 'Bilibili (api.bilibili.com): video search (/x/web-interface/search/type, WBI-signed /wbi/ variants), video details and lists, comments (/x/v2/reply, /x/v2/reply/wbi/main), author followers',
  example: 'https://api.bilibili.com/x/web-interface/search/type?search_type=video&keyword=%E6%98%9F%E6%B2%B3%E4%B9%B3%E4%B8%9A',
  params,
  features: { requireConfig: ['a cookie with buvid3 (recommended; search answers -412 without one), set with cookiesEnv'], blockedStatuses: [403, 412] },
  headers: () => ({ accept: 'application/json, text/plain, */*', referer: `${WEB}/`, origin: WEB }),
  start(url) {
    const u = new URL(url);
    if (u.pathname.includes('/wbi/') && !u.searchParams.has('w_rid')) {
      return [{ url: `${u.origin}/x/web-interface/nav`, label: 'wbi-keys', follow: 'detail', meta: { signFor: url } }];
    }
    return [{ url }];
  },
  reobserveUrl: (obs, _p, sourceUrl) => (/^BV1\w{9}$/.test(obs.id) ? `${new URL(sourceUrl).origin}/x/web-interface/view?bvid=${obs.id}` : null),
  parse({ page, params: p, now }) {
    const path = new URL(page.url).pathname.replace(/\/+$/, '');
    const data = parseJson(page);
    if (path.endsWith('/x/web-interface/nav')) {
      check(data, page, true);
      const keys = wbiKeysFrom(get(data, 'data', 'wbi_img', 'img_url'), get(data, 'data', 'wbi_img', 'sub_url'));
      if (!keys) throw new ParseError(`bilibili: no data.wbi_img keys in the nav answer at ${page.url}`, page.url);
      const target = str(page.request.meta?.signFor);
      return { observations: [], requests: target ? [{ url: signWbi(target, keys, now), meta: { wbi: keys } }] : [] };
    }
    if (/\/search\/(type|all\/v2)$/.test(path)) {
      if (!check(data, page)) return { observations: [] };
      return parseSearch(data, page, p, now);
    }
    if (/\/x\/v2\/reply(\/wbi)?(\/main)?$/.test(path)) {
      if (!check(data, page)) return { observations: [] };
      return parseComments(data, page, p, now, path);
    }
    if (path.endsWith('/x/relation/stat')) {
      if (!check(data, page)) return { observations: [] };
      const followers = parseCount(get(data, 'data', 'follower'));
      const posts = asArray(page.request.meta?.posts).map(str).filter((x): x is string => !!x);
      if (followers == null) return { observations: [] };
      return { observations: posts.map((id) => ({ at: '', source: 'bilibili', kind: 'post' as const, id, author: { followers } })) };
    }
    if (/\/x\/web-interface(\/wbi)?\/view$/.test(path)) {
      if (!check(data, page)) return { observations: [] };
      const o = videoObs(get(data, 'data'));
      return { observations: o ? [o] : [] };
    }
    if (/\/x\/web-interface\/(popular|ranking\/v2|ranking)$/.test(path)) {
      if (!check(data, page)) return { observations: [] };
      return { observations: asArray(get(data, 'data', 'list')).map(videoObs).filter((o): o is Observation => !!o) };
    }
    throw new ParseError(`bilibili: cannot tell the kind of page from the path ${path} (expected /x/web-interface/search/type, /x/web-interface/view, /x/v2/reply or /x/web-interface/nav)`, page.url);
  },
});
