// douyin-hot: the Douyin hot list (抖音热榜) as `trend` observations (id = the topic, heat, rank).
// Reads the hot-search list JSON (www.douyin.com/aweme/v1/web/hot/search/list/: data.word_list[] with
// word, hot_value, position, sentence_id; the app and share endpoints answer the same body, and a
// bare top-level word_list is read too). The rising-topics section (data.trending_list) has no rank
// or heat and is left out. Without the site's anonymous cookie the web endpoint may answer an empty
// body: then the adapter asks for /passport/general/login_guiding_strategy/ (which sets it) and reads
// the list once more; a cookie given in the source's cookiesEnv (or --cookies) makes that unnecessary.
import { defineAdapter, type CrawlRequest } from '../src/crawl/adapter.js';
import { ParseError } from '../src/crawl/errors.js';
import { get, asArray, str, parseCount } from '../src/crawl/text.js';
import type { Observation } from '../src/core/observation.js';
import { hotListParams, pageJson, rankOf, trendObservation } from './lib/hot-list.js';

const COOKIE_PATH = '/passport/general/login_guiding_strategy/?aid=6383';

function retryUrl(listUrl: string): string {
  const u = new URL(listUrl);
  u.searchParams.set('_fw_retry', '1');
  return u.href;
}

export default defineAdapter({
  id: 'douyin-hot',
  description: 'Douyin hot list (www.douyin.com/aweme/v1/web/hot/search/list/): trend items with heat and rank',
  example: 'https://www.douyin.com/aweme/v1/web/hot/search/list/?device_platform=webapp&aid=6383&channel=channel_pc_web&detail_list=1',
  params: hotListParams,
  features: { requireConfig: [] },
  headers: () => ({ accept: 'application/json, text/plain, */*', referer: 'https://www.douyin.com/' }),
  parse({ page, params: p }) {
    const req = page.request;
    if (req.label === 'cookie') {
      // the anonymous cookie is now in the session's jar: read the list again
      const list = typeof req.meta?.list === 'string' ? req.meta.list : null;
      return { observations: [], requests: list ? [{ url: retryUrl(list), label: 'list', follow: 'detail', meta: { retried: true } }] : [] };
    }
    if (!page.text.trim()) {
      if (req.meta?.retried) throw new ParseError(`douyin-hot: empty answer from ${page.url} even with the site's anonymous cookie; give the source a logged-in cookie (cookiesEnv)`, page.url);
      const warmup: CrawlRequest = { url: new URL(COOKIE_PATH, page.url).href, label: 'cookie', follow: 'detail', meta: { list: req.url } };
      return { observations: [], requests: [warmup] };
    }
    const data = pageJson('douyin-hot', page);
    const code = get(data, 'status_code');
    if (typeof code === 'number' && code !== 0) throw new ParseError(`douyin-hot: status_code ${code} (${str(get(data, 'status_msg')) ?? 'no message'}) at ${page.url}`, page.url);
    const list = asArray(get(data, 'data', 'word_list')).length ? asArray(get(data, 'data', 'word_list')) : asArray(get(data, 'word_list'));
    if (!list.length) throw new ParseError(`douyin-hot: no word_list at ${page.url}`, page.url);
    const ranked = list.some((w) => rankOf(get(w, 'position')) !== null);
    const obs: Observation[] = [];
    list.forEach((w, i) => {
      const word = str(get(w, 'word'));
      if (!word) return;
      const rank = ranked ? rankOf(get(w, 'position')) : i + 1;
      if (rank === null && !p.includePinned) return; // pinned topics (专题) sit above the ranked list
      const sid = str(get(w, 'sentence_id'));
      obs.push(trendObservation('douyin-hot', {
        title: word, rank, heat: parseCount(get(w, 'hot_value')),
        url: sid ? `https://www.douyin.com/hot/${encodeURIComponent(sid)}` : `https://www.douyin.com/search/${encodeURIComponent(word)}`,
        extra: { sentenceId: sid, label: get(w, 'label') || null, views: parseCount(get(w, 'view_count')) || null, pinned: rank === null ? true : null },
      }));
    });
    return { observations: obs };
  },
});
