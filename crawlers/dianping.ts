// dianping: 大众点评 shop reviews (/shop/ID/review_all[/pN]), rendered in Chromium because the
// page is built and guarded by scripts. One `review` per entry with stars (sml-str40 = 4), text,
// author and date. Some characters are drawn with SVG/web fonts on the live site and cannot be
// read from the DOM; those are dropped rather than guessed.
import { z } from 'zod';
import { load } from 'cheerio';
import { createHash } from 'node:crypto';
import { defineAdapter, absoluteUrl } from '../src/crawl/adapter.js';
import { BlockedError } from '../src/crawl/errors.js';
import { parseSiteDate } from '../src/crawl/dates.js';
import { htmlToText, parseCount, str } from '../src/crawl/text.js';
import type { Observation } from '../src/core/observation.js';

const params = z.object({}).strict();

export default defineAdapter({
  id: 'dianping',
  description: '大众点评 shop reviews with stars (/shop/ID/review_all), rendered in Chromium',
  example: 'https://www.dianping.com/shop/H4cB3R5oA1bDZxO0/review_all',
  params,
  features: { requireConfig: ['Chromium (PUPPETEER_EXECUTABLE_PATH or /usr/bin/chromium)', 'a logged-in cookie (source cookiesEnv) for more than the first page'], browser: true },
  start: (url) => [{ url, render: true, meta: { waitFor: '.reviews-items, .review-list' } }],
  parse({ page, now }) {
    const $ = load(page.text);
    if ($('#verify, .yodaBox, [class*="verify"]').length && !$('.reviews-items').length) throw new BlockedError(`dianping: verification wall at ${page.url}`, page.url);
    const shop = /\/shop\/([\w]+)/.exec(new URL(page.url).pathname)?.[1] ?? null;
    const obs: Observation[] = [];
    $('.reviews-items > ul > li, .review-list .review-item, li.comment-item').each((_i, li) => {
      const it = $(li);
      const textEl = it.find('.review-words, .review-truncated-words, .comment-txt').first();
      textEl.find('.fold, .unfold, .less-words').remove();
      const text = htmlToText(textEl.html());
      if (!text) return;
      const starCls = it.find('[class*="sml-str"], [class*="star_"]').first().attr('class') ?? '';
      const stars = /sml-str(\d+)/.exec(starCls)?.[1] ?? /star_(\d+)/.exec(starCls)?.[1];
      const rating = stars ? Math.round(Number(stars) / 10) : null;
      const name = str(it.find('.dper-info .name, .name').first().text());
      const id = str(it.find('[data-id]').first().attr('data-id')) ?? str(it.attr('data-id')) ?? createHash('sha1').update(`${name ?? ''}\n${text}`).digest('hex').slice(0, 16);
      const date = str(it.find('.time, .misc-info .time').first().text())?.replace(/更新于.*$/, '').trim();
      obs.push({
        at: '', source: 'dianping', kind: 'review', id, url: absoluteUrl(it.find('a[href*="/review/"]').first().attr('href'), page.url) ?? page.url,
        parentId: shop,
        author: name ? { name } : null,
        text, rating: rating && rating >= 1 && rating <= 5 ? rating : null,
        publishedAt: parseSiteDate(date, now),
        metrics: { likes: parseCount(it.find('.actions .zan, .praise').first().text()) ?? 0 },
      });
    });
    const next = absoluteUrl($('.reviews-pages a.NextPage, a.NextPage').first().attr('href'), page.url);
    return { observations: obs, requests: next ? [{ url: next, follow: 'next' as const, render: true, meta: { waitFor: '.reviews-items' } }] : [] };
  },
});
