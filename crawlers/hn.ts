// hn: Hacker News through the Algolia API: /api/v1/search and /api/v1/search_by_date (stories and
// comments, paged by `page`), and /api/v1/items/ID (a story with its comment tree).
import { z } from 'zod';
import { defineAdapter, parseJson, absoluteUrl, type CrawlRequest } from '../src/crawl/adapter.js';
import { ParseError } from '../src/crawl/errors.js';
import { parseSiteDate } from '../src/crawl/dates.js';
import { htmlToText, parseCount, str, get, asArray } from '../src/crawl/text.js';
import type { Observation } from '../src/core/observation.js';

const params = z.object({}).strict();
const HN = 'https://news.ycombinator.com/item?id=';

function hitObs(h: unknown, now: Date): Observation | null {
  const id = str(get(h, 'objectID')) ?? str(get(h, 'id'));
  if (!id) return null;
  const tags = asArray(get(h, '_tags')).map(String);
  const isComment = tags.includes('comment') || get(h, 'type') === 'comment' || (get(h, 'comment_text') != null && get(h, 'title') == null);
  const parent = str(get(h, 'story_id')) ?? str(get(h, 'parent_id'));
  return {
    at: '', source: 'hn', kind: isComment ? 'comment' : 'post', id, url: HN + id,
    parentId: isComment ? parent : null,
    author: str(get(h, 'author')) ? { name: str(get(h, 'author')) } : null,
    title: isComment ? null : str(get(h, 'title')),
    text: htmlToText(str(get(h, 'comment_text')) ?? str(get(h, 'story_text')) ?? str(get(h, 'text'))) || (isComment ? '' : null),
    publishedAt: parseSiteDate(get(h, 'created_at_i') ?? get(h, 'created_at'), now),
    metrics: { likes: parseCount(get(h, 'points')) ?? 0, comments: parseCount(get(h, 'num_comments')) ?? 0 },
    extra: str(get(h, 'url')) ? { link: str(get(h, 'url')) } : null,
  };
}

function walk(item: unknown, storyId: string | null, now: Date, out: Observation[], depth = 0): void {
  if (depth > 500) return;
  const o = hitObs(item, now);
  if (o) {
    if (o.kind === 'comment') o.parentId = storyId;
    else o.metrics = { ...o.metrics, comments: o.metrics?.comments || countDesc(item) };
    out.push(o);
  }
  for (const c of asArray(get(item, 'children'))) walk(c, storyId ?? o?.id ?? null, now, out, depth + 1);
}
function countDesc(item: unknown, depth = 0): number {
  if (depth > 500) return 0;
  return asArray(get(item, 'children')).reduce<number>((n, c) => n + 1 + countDesc(c, depth + 1), 0);
}

export default defineAdapter({
  id: 'hn',
  description: 'Hacker News via the Algolia API: search, search_by_date, items/ID with comments',
  example: 'https://hn.algolia.com/api/v1/search_by_date?query=outage&tags=story',
  params,
  features: { requireConfig: [] },
  headers: () => ({ accept: 'application/json' }),
  reobserveUrl: (obs, _p, sourceUrl) => absoluteUrl(`/api/v1/items/${encodeURIComponent(obs.id)}`, sourceUrl),
  parse({ page, now }) {
    const data = parseJson(page);
    const path = new URL(page.url).pathname;
    if (/\/items\/\d+$/.test(path)) {
      const out: Observation[] = [];
      walk(data, get(data, 'type') === 'story' ? null : str(get(data, 'story_id')), now, out);
      return { observations: out };
    }
    if (!Array.isArray(get(data, 'hits'))) throw new ParseError(`hn: expected Algolia search hits at ${page.url}`, page.url);
    const obs = asArray(get(data, 'hits')).map((h) => hitObs(h, now)).filter((o): o is Observation => !!o);
    const pageNo = parseCount(get(data, 'page')) ?? 0;
    const nb = parseCount(get(data, 'nbPages')) ?? 0;
    const requests: CrawlRequest[] = [];
    if (pageNo + 1 < nb) {
      const u = new URL(page.url);
      u.searchParams.set('page', String(pageNo + 1));
      requests.push({ url: u.href, follow: 'next' });
    }
    return { observations: obs, requests };
  },
});
