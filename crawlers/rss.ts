// rss: RSS 0.9x / 2.0, RSS 1.0 (RDF), Atom and JSON Feed. One `post` per item: guid/id, link,
// title, text from content:encoded / description / summary / content, author, date.
import { z } from 'zod';
import { load, type CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { defineAdapter, absoluteUrl, type ParseResult } from '../src/crawl/adapter.js';
import { ParseError } from '../src/crawl/errors.js';
import { parseSiteDate } from '../src/crawl/dates.js';
import { htmlToText, str, get, asArray } from '../src/crawl/text.js';
import type { Observation } from '../src/core/observation.js';
import { createHash } from 'node:crypto';

const params = z.object({ source: z.string().optional() }).strict();

const isEl = (n: AnyNode): n is Element => n.type === 'tag' || n.type === 'script' || n.type === 'style';

function children(el: Element, names: string[]): Element[] {
  return el.children.filter(isEl).filter((c) => names.includes(c.tagName.toLowerCase()));
}

function textOf($: CheerioAPI, el: Element, names: string[]): string | null {
  for (const n of names) for (const c of children(el, [n])) {
    const t = str($(c).text());
    if (t) return t;
  }
  return null;
}

const hashId = (...parts: (string | null | undefined)[]) => createHash('sha1').update(parts.map((p) => p ?? '').join('\n')).digest('hex').slice(0, 16);

function xmlItems(text: string, base: string, source: string, now: Date): ParseResult {
  const $ = load(text, { xml: true });
  const items = $('item, entry').toArray().filter(isEl);
  const isFeed = $('rss, rdf\\:RDF, feed, channel').length > 0 || items.length > 0;
  if (!isFeed) throw new ParseError(`no RSS, RDF or Atom feed at ${base}`, base);
  const obs: Observation[] = [];
  for (const it of items) {
    const atom = it.tagName.toLowerCase() === 'entry';
    let link: string | null = null;
    for (const l of children(it, ['link'])) {
      const href = $(l).attr('href');
      const rel = $(l).attr('rel') ?? 'alternate';
      if (href && rel === 'alternate') { link = absoluteUrl(href, base); break; }
      if (!href && !link) link = absoluteUrl($(l).text(), base);
    }
    link ??= absoluteUrl($(it).attr('rdf:about'), base);
    const title = textOf($, it, ['title']);
    const title2 = title ? htmlToText(title) : null;
    const body = textOf($, it, ['content:encoded', 'content', 'description', 'summary', 'media:description']);
    const text = body ? htmlToText(body) : null;
    const guid = textOf($, it, atom ? ['id', 'guid'] : ['guid', 'id']);
    const date = textOf($, it, ['pubdate', 'dc:date', 'published', 'updated', 'issued', 'modified', 'a10:updated']);
    const authorEl = children(it, ['author'])[0];
    const author = authorEl ? (str($(authorEl).children('name').text()) ?? str($(authorEl).text())) : textOf($, it, ['dc:creator', 'creator']);
    if (!title2 && !text) continue;
    obs.push({
      at: '', source, kind: 'post', id: guid ?? link ?? hashId(title2, text, date), url: link,
      author: author ? { name: htmlToText(author) } : null,
      title: title2, text, publishedAt: parseSiteDate(date, now),
    });
  }
  const requests = $('feed > link[rel="next"]').toArray().map((l) => absoluteUrl($(l).attr('href'), base)).filter((u): u is string => !!u).map((url) => ({ url, follow: 'next' as const }));
  return { observations: obs, requests };
}

function jsonFeed(data: unknown, base: string, source: string, now: Date): ParseResult {
  const obs: Observation[] = [];
  for (const it of asArray(get(data, 'items'))) {
    const title = str(get(it, 'title'));
    const text = str(get(it, 'content_text')) ?? (str(get(it, 'content_html')) ? htmlToText(String(get(it, 'content_html'))) : str(get(it, 'summary')));
    if (!title && !text) continue;
    const url = absoluteUrl(str(get(it, 'url')), base);
    obs.push({
      at: '', source, kind: 'post', id: str(get(it, 'id')) ?? url ?? hashId(title, text), url,
      author: str(get(it, 'authors', 0, 'name')) ?? str(get(it, 'author', 'name')) ? { name: str(get(it, 'authors', 0, 'name')) ?? str(get(it, 'author', 'name')) } : null,
      title, text, publishedAt: parseSiteDate(str(get(it, 'date_published')) ?? str(get(it, 'date_modified')), now),
    });
  }
  const next = absoluteUrl(str(get(data, 'next_url')), base);
  return { observations: obs, requests: next ? [{ url: next, follow: 'next' }] : [] };
}

export default defineAdapter({
  id: 'rss',
  description: 'RSS 0.9x/1.0 (RDF)/2.0, Atom and JSON Feed: one post per item',
  example: 'https://news.ycombinator.com/rss',
  params,
  features: { requireConfig: [] },
  parse({ page, params: p, now }) {
    const source = p.source ?? 'rss';
    const t = page.text.replace(/^\uFEFF/, '').trimStart();
    if (t.startsWith('{')) {
      let data: unknown;
      try { data = JSON.parse(t); } catch { throw new ParseError(`broken JSON Feed at ${page.url}`, page.url); }
      return jsonFeed(data, page.url, source, now);
    }
    if (!t.startsWith('<')) throw new ParseError(`not a feed (neither XML nor JSON) at ${page.url}`, page.url);
    return xmlItems(t, page.url, source, now);
  },
});
