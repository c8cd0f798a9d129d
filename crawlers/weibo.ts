// weibo: the m.weibo.cn JSON API. By path: /api/container/getIndex (keyword search 100103type=1&q=,
// user timeline 107603{uid}, topics), /statuses/show (one status), /statuses/extend (long text),
// /comments/hotflow and /api/comments/show (comments), /api/statuses/repostTimeline (reposts).
// ok:-100 (login wall) means the session is blocked.
import { z } from 'zod';
import { defineAdapter, parseJson, absoluteUrl, type CrawlRequest, type Page } from '../src/crawl/adapter.js';
import { BlockedError, ParseError } from '../src/crawl/errors.js';
import { parseSiteDate } from '../src/crawl/dates.js';
import { htmlToText, parseCount, str, get, asArray } from '../src/crawl/text.js';
import type { Observation, ObservationKind } from '../src/core/observation.js';

const params = z.object({
  /** also fetch the hot comments of each post listed */
  comments: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** fetch /statuses/extend for truncated long posts */
  longText: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
}).strict();
type Params = z.infer<typeof params>;

export const WEIBO_WEB = 'https://m.weibo.cn';

/** Weibo post text: emoticons to [xx], links and tags stripped, the trailing "全文" link dropped. */
export function weiboText(html: unknown): string {
  const s = typeof html === 'string' ? html.replace(/<a [^>]*>\s*全文\s*<\/a>\s*$/, '') : '';
  return htmlToText(s);
}

function author(u: unknown): Observation['author'] {
  if (!u || typeof u !== 'object') return null;
  return {
    id: str(get(u, 'id')) ?? str(get(u, 'idstr')),
    name: str(get(u, 'screen_name')),
    followers: parseCount(get(u, 'followers_count')) ?? parseCount(get(u, 'followers_count_str')),
    verified: typeof get(u, 'verified') === 'boolean' ? (get(u, 'verified') as boolean) : null,
  };
}

function mblogObs(m: unknown, now: Date, kind: ObservationKind = 'post', parentId: string | null = null): Observation[] {
  const id = str(get(m, 'idstr')) ?? str(get(m, 'id')) ?? str(get(m, 'mid'));
  if (!id) return [];
  const out: Observation[] = [];
  const rt = get(m, 'retweeted_status');
  const rtId = rt ? str(get(rt, 'idstr')) ?? str(get(rt, 'id')) : null;
  if (rt && rtId) out.push(...mblogObs(rt, now));
  const longText = str(get(m, 'longText', 'longTextContent'));
  out.push({
    at: '', source: 'weibo', kind: rtId && kind === 'post' ? 'repost' : kind, id,
    url: `${WEIBO_WEB}/detail/${id}`,
    parentId: parentId ?? rtId,
    author: author(get(m, 'user')),
    title: null,
    text: longText ? weiboText(longText) : weiboText(get(m, 'text')),
    publishedAt: parseSiteDate(get(m, 'created_at'), now),
    metrics: {
      reposts: parseCount(get(m, 'reposts_count')) ?? 0,
      comments: parseCount(get(m, 'comments_count')) ?? 0,
      likes: parseCount(get(m, 'attitudes_count')) ?? 0,
    },
    extra: {
      ...(get(m, 'isLongText') === true && !longText ? { truncated: true } : {}),
      ...(str(get(m, 'bid')) ? { bid: str(get(m, 'bid')) } : {}),
      ...(str(get(m, 'region_name')) ? { region: str(get(m, 'region_name')) } : {}),
    },
  });
  return out;
}

function commentObs(c: unknown, now: Date, postId: string | null): Observation | null {
  const id = str(get(c, 'idstr')) ?? str(get(c, 'id'));
  if (!id) return null;
  return {
    at: '', source: 'weibo', kind: 'comment', id,
    url: postId ? `${WEIBO_WEB}/detail/${postId}?cid=${id}` : null,
    parentId: postId ?? str(get(c, 'status', 'id')) ?? str(get(c, 'rootid')),
    author: author(get(c, 'user')),
    text: weiboText(get(c, 'text')),
    publishedAt: parseSiteDate(get(c, 'created_at'), now),
    metrics: { likes: parseCount(get(c, 'like_count')) ?? parseCount(get(c, 'like_counts')) ?? 0, comments: parseCount(get(c, 'total_number')) ?? asArray(get(c, 'comments')).length },
  };
}

/** The ok flag: 1 fine, 0 nothing (or an error message), -100 login required (blocked). */
function checkOk(data: unknown, page: Page): boolean {
  const ok = get(data, 'ok');
  if (ok === -100 || ok === '-100') throw new BlockedError(`weibo: login required (ok:-100) at ${page.url}`, page.url);
  if (data == null || typeof data !== 'object') throw new ParseError(`weibo: unexpected answer at ${page.url}`, page.url);
  return ok === 1 || ok === '1' || ok === true;
}

function withParam(url: string, key: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(key, value);
  return u.href;
}

function followUps(posts: Observation[], page: Page, p: Params): CrawlRequest[] {
  const reqs: CrawlRequest[] = [];
  for (const o of posts) {
    if (o.extra?.truncated && p.longText) reqs.push({ url: absoluteUrl(`/statuses/extend?id=${o.id}`, page.url)!, follow: 'detail', label: 'long-text', meta: { id: o.id, kind: o.kind } });
    if (p.comments && o.kind === 'post' && (o.metrics?.comments ?? 0) > 0) reqs.push({ url: absoluteUrl(`/comments/hotflow?id=${o.id}&mid=${o.id}&max_id_type=0`, page.url)!, follow: 'detail', label: 'comments' });
  }
  return reqs;
}

export default defineAdapter({
  id: 'weibo',
  description: 'Weibo (m.weibo.cn JSON API): keyword search, user timeline, status, long text, comments, reposts',
  example: 'https://m.weibo.cn/api/container/getIndex?containerid=100103type%3D1%26q%3D%E7%89%9B%E5%A5%B6&page_type=searchall',
  params,
  features: { requireConfig: ['WEIBO_COOKIES (recommended; else a visitor cookie)'], blockedStatuses: [403, 418, 432] },
  headers: () => ({ accept: 'application/json, text/plain, */*', 'x-requested-with': 'XMLHttpRequest', 'mweibo-pwa': '1', referer: 'https://m.weibo.cn/' }),
  reobserveUrl: (obs, _p, sourceUrl) => absoluteUrl(`/statuses/show?id=${encodeURIComponent(obs.id)}`, sourceUrl),
  parse({ page, params: p, now }) {
    const path = new URL(page.url).pathname.replace(/\/+$/, '');
    const data = parseJson(page);
    const ok = checkOk(data, page);
    const q = new URL(page.url).searchParams;
    if (path.endsWith('/statuses/extend')) {
      const text = str(get(data, 'data', 'longTextContent'));
      const id = str(page.request.meta?.id) ?? q.get('id');
      if (!ok || !text || !id) return { observations: [] };
      const kind = (page.request.meta?.kind as ObservationKind | undefined) ?? 'post';
      return { observations: [{ at: '', source: 'weibo', kind, id, text: weiboText(text), metrics: { reposts: parseCount(get(data, 'data', 'reposts_count')), comments: parseCount(get(data, 'data', 'comments_count')), likes: parseCount(get(data, 'data', 'attitudes_count')) } }] };
    }
    if (path.endsWith('/statuses/show') || /\/(detail|status)\/\w+$/.test(path)) {
      if (!ok) return { observations: [] };
      const m = get(data, 'data');
      const posts = mblogObs(m, now);
      return { observations: posts, requests: followUps(posts, page, p) };
    }
    if (path.endsWith('/comments/hotflow') || path.endsWith('/comments/show')) {
      if (!ok) return { observations: [] };
      const postId = q.get('mid') ?? q.get('id');
      const list = [...asArray(get(data, 'data', 'data')), ...asArray(get(data, 'data', 'hot_data'))];
      const obs: Observation[] = [];
      for (const c of list) {
        const o = commentObs(c, now, postId);
        if (o) obs.push(o);
        for (const r of asArray(get(c, 'comments'))) {
          const ro = commentObs(r, now, postId);
          if (ro) obs.push({ ...ro, extra: { replyTo: o?.id ?? null } });
        }
      }
      const requests: CrawlRequest[] = [];
      const maxId = str(get(data, 'data', 'max_id'));
      if (path.endsWith('/hotflow') && maxId && maxId !== '0' && list.length) {
        requests.push({ url: withParam(withParam(page.url, 'max_id', maxId), 'max_id_type', str(get(data, 'data', 'max_id_type')) ?? '0'), follow: 'next' });
      } else if (path.endsWith('/comments/show') && list.length) {
        const pageNo = Number(q.get('page') ?? '1');
        const max = Number(get(data, 'data', 'max') ?? 0);
        if (!max || pageNo < max) requests.push({ url: withParam(page.url, 'page', String(pageNo + 1)), follow: 'next' });
      }
      return { observations: obs, requests };
    }
    if (path.endsWith('/statuses/repostTimeline')) {
      if (!ok) return { observations: [] };
      const postId = q.get('id');
      const obs = asArray(get(data, 'data', 'data')).flatMap((m) => mblogObs({ ...(m as object), retweeted_status: undefined }, now, 'repost', postId));
      const pageNo = Number(q.get('page') ?? '1');
      const max = Number(get(data, 'data', 'max') ?? 0);
      return { observations: obs, requests: obs.length && (!max || pageNo < max) ? [{ url: withParam(page.url, 'page', String(pageNo + 1)), follow: 'next' }] : [] };
    }
    if (path.endsWith('/container/getIndex')) {
      if (!ok) return { observations: [] };
      const posts: Observation[] = [];
      for (const card of asArray(get(data, 'data', 'cards'))) {
        if (get(card, 'mblog')) posts.push(...mblogObs(get(card, 'mblog'), now));
        for (const sub of asArray(get(card, 'card_group'))) if (get(sub, 'mblog')) posts.push(...mblogObs(get(sub, 'mblog'), now));
      }
      const requests = followUps(posts, page, p);
      if (posts.length) {
        const sinceId = str(get(data, 'data', 'cardlistInfo', 'since_id'));
        const next = sinceId ? withParam(page.url, 'since_id', sinceId) : withParam(page.url, 'page', String(Number(q.get('page') ?? '1') + 1));
        requests.push({ url: next, follow: 'next' });
      }
      return { observations: posts, requests };
    }
    throw new ParseError(`weibo: cannot tell the kind of page from the path ${path} (expected /api/container/getIndex, /statuses/show, /comments/hotflow, /api/comments/show or /api/statuses/repostTimeline)`, page.url);
  },
});
