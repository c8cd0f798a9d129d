// weibo-hot: the Weibo hot-search list as `trend` observations (id = the topic, heat and rank).
// Reads weibo.com/ajax/side/hotSearch JSON, the m.weibo.cn getIndex hot-search card list
// (containerid=106003type=25...) and the s.weibo.com/top/summary HTML table.
import { z } from 'zod';
import { load } from 'cheerio';
import { defineAdapter } from '../src/crawl/adapter.js';
import { BlockedError, ParseError } from '../src/crawl/errors.js';
import { parseCount, str, get, asArray } from '../src/crawl/text.js';
import type { Observation } from '../src/core/observation.js';

const params = z.object({ includeAds: z.enum(['true', 'false']).default('false').transform((v) => v === 'true') }).strict();

const searchUrl = (word: string) => `https://s.weibo.com/weibo?q=${encodeURIComponent(`#${word}#`)}`;

function trend(word: string, rank: number | null, heat: number | null, label: string | null): Observation {
  return { at: '', source: 'weibo-hot', kind: 'trend', id: word, url: searchUrl(word), title: word, text: word, metrics: { heat: heat ?? 0, rank }, extra: label ? { label } : null };
}

export default defineAdapter({
  id: 'weibo-hot',
  description: 'Weibo hot search (weibo.com/ajax/side/hotSearch, m.weibo.cn hot list, s.weibo.com/top/summary): trend items with heat and rank',
  example: 'https://weibo.com/ajax/side/hotSearch',
  params,
  features: { requireConfig: [], blockedStatuses: [403, 418, 432] },
  headers: () => ({ accept: 'application/json, text/html;q=0.9', referer: 'https://weibo.com/' }),
  parse({ page, params: p }) {
    const t = page.text.trimStart();
    const obs: Observation[] = [];
    if (t.startsWith('{')) {
      let data: unknown;
      try { data = JSON.parse(t); } catch { throw new ParseError(`weibo-hot: broken JSON at ${page.url}`, page.url); }
      const ok = get(data, 'ok');
      if (ok === -100) throw new BlockedError(`weibo-hot: login required (ok:-100) at ${page.url}`, page.url);
      const realtime = asArray(get(data, 'data', 'realtime'));
      realtime.forEach((r, i) => {
        const word = str(get(r, 'word')) ?? str(get(r, 'note'));
        if (!word || (!p.includeAds && (get(r, 'is_ad') || get(r, 'is_ad') === 1))) return;
        const rank = parseCount(get(r, 'realpos')) ?? (parseCount(get(r, 'rank')) != null ? parseCount(get(r, 'rank'))! + 1 : i + 1);
        obs.push(trend(word, rank, parseCount(get(r, 'num')) ?? parseCount(get(r, 'raw_hot')), str(get(r, 'label_name')) ?? str(get(r, 'icon_desc'))));
      });
      if (!realtime.length) {
        let rank = 0;
        for (const card of asArray(get(data, 'data', 'cards'))) for (const g of asArray(get(card, 'card_group'))) {
          const word = str(get(g, 'desc'));
          if (!word) continue;
          const isTop = /top|置顶/.test(String(get(g, 'pic') ?? '')) || rank === 0 && !get(g, 'desc_extr');
          const heat = parseCount(get(g, 'desc_extr'));
          if (!isTop) rank++;
          obs.push(trend(word, isTop ? null : rank, heat, str(get(g, 'icon')) ? 'icon' : null));
        }
      }
      return { observations: obs };
    }
    if (!t.startsWith('<')) throw new ParseError(`weibo-hot: neither JSON nor HTML at ${page.url}`, page.url);
    const $ = load(t);
    $('#pl_top_realtimehot tbody tr, table tbody tr').each((_i, tr) => {
      const a = $(tr).find('td.td-02 a').first();
      const word = str(a.text());
      if (!word) return;
      const rank = parseCount($(tr).find('td.td-01').text());
      const heat = parseCount($(tr).find('td.td-02 span').first().text());
      if (!rank && !p.includeAds && !heat) return; // pinned or promoted rows
      obs.push(trend(word, rank, heat, str($(tr).find('td.td-03').text())));
    });
    return { observations: obs };
  },
});
