// toutiao-hot: the Toutiao hot board (今日头条热榜) as `trend` observations (id = the topic, heat, rank).
// Reads www.toutiao.com/hot-event/hot-board/?origin=toutiao_pc: data[] with Title, HotValue (a string
// of digits), ClusterIdStr, Url, LabelDesc (热门事件, 新进展, 辟谣 ...); fixed_top_data[] holds the
// editor-pinned entries (no heat). status "success" on a good answer. No cookie needed.
import { defineAdapter } from '../src/crawl/adapter.js';
import { ParseError } from '../src/crawl/errors.js';
import { get, asArray, str, parseCount } from '../src/crawl/text.js';
import type { Observation } from '../src/core/observation.js';
import { hotListParams, pageJson, trendObservation, webUrl } from './lib/hot-list.js';

/** The topic page without the tracking query the board appends (log_pb, impr ids). */
function topicUrl(it: unknown): string | null {
  const u = webUrl(get(it, 'Url'));
  if (u) {
    const url = new URL(u);
    url.search = '';
    url.hash = '';
    return url.href;
  }
  const id = str(get(it, 'ClusterIdStr')) ?? str(get(it, 'ClusterId'));
  return id && /^\d+$/.test(id) ? `https://www.toutiao.com/trending/${id}/` : null;
}

export default defineAdapter({
  id: 'toutiao-hot',
  description: 'Toutiao hot board (www.toutiao.com/hot-event/hot-board/): trend items with heat and rank',
  example: 'https://www.toutiao.com/hot-event/hot-board/?origin=toutiao_pc',
  params: hotListParams,
  features: { requireConfig: [] },
  headers: () => ({ accept: 'application/json, text/plain, */*', referer: 'https://www.toutiao.com/' }),
  parse({ page, params: p }) {
    const data = pageJson('toutiao-hot', page);
    const status = get(data, 'status');
    if (typeof status === 'string' && status !== 'success') throw new ParseError(`toutiao-hot: status "${status}" at ${page.url}`, page.url);
    const list = asArray(get(data, 'data'));
    if (!list.length) throw new ParseError(`toutiao-hot: no data[] at ${page.url}`, page.url);
    const obs: Observation[] = [];
    if (p.includePinned) {
      for (const it of asArray(get(data, 'fixed_top_data'))) {
        const title = str(get(it, 'Title'));
        if (title) obs.push(trendObservation('toutiao-hot', { title, rank: null, heat: null, url: topicUrl(it), extra: { pinned: true } }));
      }
    }
    let rank = 0;
    for (const it of list) {
      const title = str(get(it, 'Title')) ?? str(get(it, 'QueryWord'));
      if (!title) continue;
      rank++;
      obs.push(trendObservation('toutiao-hot', {
        title, rank, heat: parseCount(get(it, 'HotValue')), url: topicUrl(it),
        extra: { clusterId: str(get(it, 'ClusterIdStr')), label: str(get(it, 'LabelDesc')), category: asArray(get(it, 'InterestCategory')).map(String).join(',') },
      }));
    }
    return { observations: obs };
  },
});
