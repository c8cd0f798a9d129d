// baidu-hot: Baidu's hot-search board (百度热搜) as `trend` observations (id = the topic, heat, rank).
// Reads the board JSON (top.baidu.com/api/board?platform=wise|pc&tab=realtime: data.cards[].content[],
// editor-pinned entries in topContent[]) and the board page (top.baidu.com/board?tab=realtime), whose
// server-rendered state is the same JSON inside an `<!--s-data:{...}-->` comment. No cookie needed.
import { defineAdapter } from '../src/crawl/adapter.js';
import { ParseError } from '../src/crawl/errors.js';
import { get, asArray, str, parseCount } from '../src/crawl/text.js';
import type { Observation } from '../src/core/observation.js';
import { hotListParams, pageJson, rankOf, trendObservation, webUrl } from './lib/hot-list.js';

const searchUrl = (word: string) => `https://www.baidu.com/s?wd=${encodeURIComponent(word)}`;

/** The board's items: a card's content[] holds them directly (pc) or one level down (content[].content[]). */
function items(card: unknown): unknown[] {
  const out: unknown[] = [];
  for (const c of asArray(get(card, 'content'))) {
    if (str(get(c, 'word')) ?? str(get(c, 'query'))) out.push(c);
    else out.push(...asArray(get(c, 'content')));
  }
  return out;
}

function topic(it: unknown, rank: number | null): Observation | null {
  const word = str(get(it, 'word')) ?? str(get(it, 'query'));
  if (!word) return null;
  return trendObservation('baidu-hot', {
    title: word, rank, heat: parseCount(get(it, 'hotScore')),
    url: webUrl(get(it, 'rawUrl')) ?? webUrl(get(it, 'url')) ?? searchUrl(word),
    extra: { desc: str(get(it, 'desc')), hotTag: str(get(it, 'hotTag')), hotChange: str(get(it, 'hotChange')), pinned: rank === null ? true : null },
  });
}

export default defineAdapter({
  id: 'baidu-hot',
  description: 'Baidu hot search (top.baidu.com/api/board JSON or the board page): trend items with heat and rank',
  example: 'https://top.baidu.com/api/board?platform=wise&tab=realtime',
  params: hotListParams,
  features: { requireConfig: [] },
  headers: () => ({ accept: 'application/json, text/html;q=0.9', referer: 'https://top.baidu.com/board?tab=realtime' }),
  parse({ page, params: p }) {
    let data: unknown;
    if (/^\s*</.test(page.text)) {
      const m = /<!--s-data:([\s\S]*?)-->/.exec(page.text);
      if (!m) throw new ParseError(`baidu-hot: no <!--s-data:...--> state in the page at ${page.url} (a verification page?)`, page.url);
      try { data = JSON.parse(m[1]); } catch { throw new ParseError(`baidu-hot: broken s-data JSON at ${page.url}`, page.url); }
    } else {
      data = pageJson('baidu-hot', page);
      if (get(data, 'success') === false) throw new ParseError(`baidu-hot: the board answered success:false (${str(get(data, 'error', 'message')) ?? 'no message'}) at ${page.url}`, page.url);
    }
    const cards = asArray(get(data, 'data', 'cards'));
    if (!cards.length) throw new ParseError(`baidu-hot: no data.cards at ${page.url}`, page.url);
    const obs: Observation[] = [];
    for (const card of cards) {
      if (p.includePinned) for (const it of asArray(get(card, 'topContent'))) { const o = topic(it, null); if (o) obs.push(o); }
      items(card).forEach((it, i) => {
        // index is 0-based on the board; without it, the list order is the rank
        const idx = get(it, 'index');
        const o = topic(it, typeof idx === 'number' && Number.isInteger(idx) && idx >= 0 ? idx + 1 : rankOf(i + 1));
        if (o) obs.push(o);
      });
    }
    return { observations: obs };
  },
});
