// appstore: Apple's customer-review RSS in JSON
// (itunes.apple.com/{cc}/rss/customerreviews/page=N/id=APP/sortby=mostrecent/json): one `review`
// per entry with rating, title, text, author, version; pages follow the feed's rel=next link.
import { z } from 'zod';
import { defineAdapter, parseJson, absoluteUrl, type CrawlRequest } from '../src/crawl/adapter.js';
import { ParseError } from '../src/crawl/errors.js';
import { parseSiteDate } from '../src/crawl/dates.js';
import { parseCount, str, get, asArray } from '../src/crawl/text.js';
import type { Observation } from '../src/core/observation.js';

const params = z.object({}).strict();
const label = (v: unknown): string | null => str(get(v, 'label')) ?? str(v);

export default defineAdapter({
  id: 'appstore',
  description: 'App Store customer reviews (RSS JSON): rating, title, text, author, app version',
  example: 'https://itunes.apple.com/cn/rss/customerreviews/page=1/id=414478124/sortby=mostrecent/json',
  params,
  features: { requireConfig: [] },
  headers: () => ({ accept: 'application/json' }),
  parse({ page, now }) {
    const data = parseJson(page);
    const feed = get(data, 'feed');
    if (!feed || typeof feed !== 'object') throw new ParseError(`appstore: no feed in ${page.url}`, page.url);
    const rawEntries = get(feed, 'entry');
    const entries = Array.isArray(rawEntries) ? rawEntries : rawEntries ? [rawEntries] : [];
    const appId = /id=(\d+)/.exec(page.url)?.[1] ?? null;
    const obs: Observation[] = [];
    for (const e of entries) {
      const rating = parseCount(label(get(e, 'im:rating')));
      const id = label(get(e, 'id'));
      if (rating == null || !id) continue; // the first entry of older feeds describes the app itself
      const title = label(get(e, 'title'));
      const content = asArray(get(e, 'content')).find((c) => get(c, 'attributes', 'type') === 'text') ?? get(e, 'content');
      obs.push({
        at: '', source: 'appstore', kind: 'review', id,
        url: absoluteUrl(str(get(e, 'link', 'attributes', 'href')) ?? label(get(e, 'author', 'uri')), page.url),
        parentId: appId,
        author: { name: label(get(e, 'author', 'name')), id: /\/id(\d+)/.exec(label(get(e, 'author', 'uri')) ?? '')?.[1] ?? null },
        title, text: label(content) ?? '',
        publishedAt: parseSiteDate(label(get(e, 'updated')), now),
        rating: Math.min(5, Math.max(1, rating)),
        metrics: { likes: parseCount(label(get(e, 'im:voteSum'))) ?? 0 },
        extra: { version: label(get(e, 'im:version')), votes: parseCount(label(get(e, 'im:voteCount'))) },
      });
    }
    const requests: CrawlRequest[] = [];
    const links = asArray(get(feed, 'link'));
    const next = links.find((l) => get(l, 'attributes', 'rel') === 'next');
    const nextUrl = absoluteUrl(str(get(next, 'attributes', 'href')), page.url);
    const last = links.find((l) => get(l, 'attributes', 'rel') === 'last');
    if (nextUrl && obs.length && nextUrl !== page.url && str(get(last, 'attributes', 'href')) !== page.url) {
      requests.push({ url: nextUrl.replace(/\/xml(\?|$)/, '/json$1'), follow: 'next' });
    }
    return { observations: obs, requests };
  },
});
