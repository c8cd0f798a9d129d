// reddit: the .json listings. A Listing of t3 (posts: /r/x/new.json, /new.json, search.json) or
// a submission page /comments/ID.json ([post listing, comment tree]); comments are flattened with
// parentId = the post and extra.replyTo = the comment they answer.
import { z } from 'zod';
import { defineAdapter, parseJson, absoluteUrl, type CrawlRequest, type Page } from '../src/crawl/adapter.js';
import { ParseError } from '../src/crawl/errors.js';
import { parseSiteDate } from '../src/crawl/dates.js';
import { htmlToText, parseCount, str, get, asArray } from '../src/crawl/text.js';
import type { Observation } from '../src/core/observation.js';

const params = z.object({
  comments: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
}).strict();

const REDDIT = 'https://www.reddit.com';
const isBlankAuthor = (a: string | null) => !a || a === '[deleted]';

function postObs(d: unknown, now: Date): Observation | null {
  const id = str(get(d, 'id'));
  if (!id) return null;
  const author = str(get(d, 'author'));
  const permalink = str(get(d, 'permalink'));
  return {
    at: '', source: 'reddit', kind: 'post', id,
    url: permalink ? REDDIT + permalink : str(get(d, 'url')),
    author: isBlankAuthor(author) ? null : { id: str(get(d, 'author_fullname')), name: author },
    title: str(get(d, 'title')) ? htmlToText(String(get(d, 'title'))) : null,
    text: str(get(d, 'selftext')) ?? '',
    publishedAt: parseSiteDate(get(d, 'created_utc'), now),
    metrics: { comments: parseCount(get(d, 'num_comments')) ?? 0, likes: parseCount(get(d, 'score')) ?? parseCount(get(d, 'ups')) ?? 0, reposts: parseCount(get(d, 'num_crossposts')) ?? 0 },
    extra: { subreddit: str(get(d, 'subreddit')), link: str(get(d, 'url')) },
  };
}

function commentsOf(children: unknown[], postId: string | null, now: Date, out: Observation[], depth = 0): void {
  if (depth > 200) return;
  for (const c of children) {
    if (get(c, 'kind') !== 't1') continue;
    const d = get(c, 'data');
    const id = str(get(d, 'id'));
    if (!id) continue;
    const author = str(get(d, 'author'));
    const parent = str(get(d, 'link_id'))?.replace(/^t3_/, '') ?? postId;
    const permalink = str(get(d, 'permalink'));
    out.push({
      at: '', source: 'reddit', kind: 'comment', id,
      url: permalink ? REDDIT + permalink : null,
      parentId: parent,
      author: isBlankAuthor(author) ? null : { name: author },
      text: str(get(d, 'body')) ?? htmlToText(str(get(d, 'body_html'))),
      publishedAt: parseSiteDate(get(d, 'created_utc'), now),
      metrics: { likes: parseCount(get(d, 'score')) ?? parseCount(get(d, 'ups')) ?? 0 },
      extra: { replyTo: str(get(d, 'parent_id')) },
    });
    commentsOf(asArray(get(d, 'replies', 'data', 'children')), parent, now, out, depth + 1);
  }
}

export default defineAdapter({
  id: 'reddit',
  description: 'Reddit .json listings: subreddit/front/search listings of posts, and /comments/ID.json with the comment tree',
  example: 'https://www.reddit.com/r/news/new.json?limit=100&raw_json=1',
  params,
  features: { requireConfig: [] },
  headers: () => ({ accept: 'application/json' }),
  reobserveUrl: (obs, _p, sourceUrl) => absoluteUrl(`/comments/${encodeURIComponent(obs.id)}.json?raw_json=1&limit=1`, sourceUrl),
  parse({ page, params: p, now }) {
    const data = parseJson(page);
    const obs: Observation[] = [];
    const requests: CrawlRequest[] = [];
    const listings = Array.isArray(data) ? data : [data];
    if (!listings.some((l) => get(l, 'kind') === 'Listing')) {
      const err = str(get(data, 'message')) ?? str(get(data, 'error'));
      throw new ParseError(`reddit: expected a Listing at ${page.url}${err ? ` (the site said: ${err})` : ''}`, page.url);
    }
    let postId: string | null = null;
    for (const l of listings) {
      const children = asArray(get(l, 'data', 'children'));
      for (const c of children) {
        if (get(c, 'kind') !== 't3') continue;
        const o = postObs(get(c, 'data'), now);
        if (!o) continue;
        obs.push(o);
        postId ??= o.id;
        if (p.comments && !Array.isArray(data) && (o.metrics?.comments ?? 0) > 0) {
          const u = absoluteUrl(`/comments/${o.id}.json?raw_json=1`, page.url);
          if (u) requests.push({ url: u, follow: 'detail' });
        }
      }
      commentsOf(children, Array.isArray(data) ? postId : null, now, obs);
    }
    const after = !Array.isArray(data) ? str(get(data, 'data', 'after')) : null;
    if (after) {
      const u = new URL(page.url);
      u.searchParams.set('after', after);
      requests.push({ url: u.href, follow: 'next' });
    }
    return { observations: obs, requests };
  },
});
