// bilibili-hot: Bilibili's hot searches (B站热搜), or its hot video board, as `trend` observations
// (id = the topic or video title, heat, rank). Reads the hot-word list s.search.bilibili.com/main/hotword
// (list[] with pos, keyword, show_name, heat_score in newer bodies), the search square
// api.bilibili.com/x/web-interface/wbi/search/square (data.trending.list[]; the old unsigned path
// /x/web-interface/search/square too), the app list app.bilibili.com/x/v2/search/trending/ranking
// (data.list[] with position) and the video boards /x/web-interface/popular and /ranking/v2
// (data.list[] with bvid, title, stat.view: heat is the view count). No cookie needed; code -352/-412
// (risk control) or -101 (login) is a blocked session.
import { z } from 'zod';
import { defineAdapter } from '../src/crawl/adapter.js';
import { BlockedError, ParseError } from '../src/crawl/errors.js';
import { get, asArray, str, parseCount } from '../src/crawl/text.js';
import type { Observation } from '../src/core/observation.js';
import { pageJson, rankOf, trendObservation } from './lib/hot-list.js';

const BLOCKED_CODES = new Set([-101, -352, -412]);
const searchUrl = (keyword: string) => `https://search.bilibili.com/all?keyword=${encodeURIComponent(keyword)}`;

export default defineAdapter({
  id: 'bilibili-hot',
  description: 'Bilibili hot searches (s.search.bilibili.com/main/hotword, /x/web-interface/wbi/search/square) or hot videos (/x/web-interface/popular): trend items with rank and heat',
  example: 'https://s.search.bilibili.com/main/hotword?limit=30',
  params: z.object({}).strict(), // a list without pinned entries: nothing to choose
  features: { requireConfig: [] },
  headers: () => ({ accept: 'application/json, text/plain, */*', referer: 'https://www.bilibili.com/' }),
  parse({ page }) {
    const data = pageJson('bilibili-hot', page);
    const code = get(data, 'code');
    if (typeof code === 'number' && code !== 0) {
      const msg = `bilibili-hot: code ${code} (${str(get(data, 'message')) ?? 'no message'}) at ${page.url}`;
      if (BLOCKED_CODES.has(code)) throw new BlockedError(msg, page.url);
      throw new ParseError(msg, page.url);
    }
    const list = [asArray(get(data, 'data', 'trending', 'list')), asArray(get(data, 'list')), asArray(get(data, 'data', 'list'))].find((l) => l.length) ?? [];
    if (!list.length) throw new ParseError(`bilibili-hot: no hot-search or video list at ${page.url}`, page.url);
    const obs: Observation[] = [];
    list.forEach((it, i) => {
      const bvid = str(get(it, 'bvid'));
      if (bvid) {
        const title = str(get(it, 'title'));
        if (!title) return;
        const views = parseCount(get(it, 'stat', 'view'));
        obs.push(trendObservation('bilibili-hot', {
          title, rank: i + 1, heat: views, url: `https://www.bilibili.com/video/${encodeURIComponent(bvid)}`,
          extra: { bvid, author: str(get(it, 'owner', 'name')), views, likes: parseCount(get(it, 'stat', 'like')) },
        }));
        return;
      }
      const keyword = str(get(it, 'keyword'));
      const title = str(get(it, 'show_name')) ?? keyword;
      if (!title) return;
      obs.push(trendObservation('bilibili-hot', {
        title, rank: rankOf(get(it, 'pos')) ?? rankOf(get(it, 'position')) ?? i + 1,
        heat: parseCount(get(it, 'heat_score')),
        url: searchUrl(keyword ?? title),
        extra: { keyword: keyword !== title ? keyword : null, wordType: get(it, 'word_type') ?? null },
      }));
    });
    return { observations: obs };
  },
});
