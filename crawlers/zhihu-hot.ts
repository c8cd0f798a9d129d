// zhihu-hot: the Zhihu hot list (知乎热榜) as `trend` observations (id = the question, heat, rank).
// Reads www.zhihu.com/api/v3/feed/topstory/hot-lists/total (data[].target.title_area / metrics_area
// "1854 万热度" / link.url; also hot-list-web) and the app API api.zhihu.com/topstory/hot-lists/total
// (data[].target.title / url / detail_text). Anonymous requests usually work; when Zhihu wants a
// login it answers 401/403 or an `error` object, which is a blocked session (give it a cookie).
import { z } from 'zod';
import { defineAdapter } from '../src/crawl/adapter.js';
import { BlockedError, ParseError } from '../src/crawl/errors.js';
import { get, asArray, str, parseCount } from '../src/crawl/text.js';
import type { Observation } from '../src/core/observation.js';
import { pageJson, trendObservation, webUrl } from './lib/hot-list.js';

/** api.zhihu.com/questions/123 -> www.zhihu.com/question/123 (the app API links to itself). */
function questionUrl(target: unknown, cardId: string | null): string | null {
  const link = webUrl(get(target, 'link', 'url'));
  if (link) return link;
  const api = str(get(target, 'url'));
  const m = api ? /\/questions?\/(\d+)/.exec(api) : null;
  if (m) return `https://www.zhihu.com/question/${m[1]}`;
  if (api && webUrl(api)) return webUrl(api);
  const q = cardId ? /^Q_(\d+)$/.exec(cardId) : null;
  return q ? `https://www.zhihu.com/question/${q[1]}` : null;
}

export default defineAdapter({
  id: 'zhihu-hot',
  description: 'Zhihu hot list (www.zhihu.com/api/v3/feed/topstory/hot-lists/total, api.zhihu.com/topstory/hot-lists/total): trend items with heat and rank',
  example: 'https://www.zhihu.com/api/v3/feed/topstory/hot-lists/total?limit=50',
  params: z.object({}).strict(), // a list without pinned entries: nothing to choose
  features: { requireConfig: [] },
  headers: () => ({ accept: 'application/json, text/plain, */*', referer: 'https://www.zhihu.com/hot' }),
  parse({ page }) {
    const data = pageJson('zhihu-hot', page);
    const err = get(data, 'error');
    if (err && typeof err === 'object') throw new BlockedError(`zhihu-hot: Zhihu refused the request (${str(get(err, 'code')) ?? '?'}: ${str(get(err, 'message')) ?? 'no message'}) at ${page.url}`, page.url);
    const list = asArray(get(data, 'data'));
    if (!list.length) throw new ParseError(`zhihu-hot: no data[] at ${page.url}`, page.url);
    const obs: Observation[] = [];
    let rank = 0;
    for (const it of list) {
      const target = get(it, 'target');
      const title = str(get(target, 'title_area', 'text')) ?? str(get(target, 'title'));
      if (!title) continue;
      rank++;
      const cardId = str(get(it, 'card_id'));
      const excerpt = str(get(target, 'excerpt_area', 'text')) ?? str(get(target, 'excerpt'));
      obs.push(trendObservation('zhihu-hot', {
        title, rank,
        heat: parseCount(get(target, 'metrics_area', 'text')) ?? parseCount(get(it, 'detail_text')),
        url: questionUrl(target, cardId),
        extra: {
          answers: parseCount(get(it, 'feed_specific', 'answer_count')) ?? parseCount(get(target, 'answer_count')),
          excerpt: excerpt ? excerpt.slice(0, 300) : null,
          label: str(get(it, 'card_label', 'type')),
        },
      }));
    }
    return { observations: obs };
  },
});
