// web: any static page, by CSS selectors given as params (item, title, text, link, id, author,
// date, likes, comments, rating, next). Fields take "selector@attr" to read an attribute.
import { defineAdapter } from '../src/crawl/adapter.js';
import { extractBySelectors, selectorParams } from '../src/crawl/selector-extract.js';

export default defineAdapter({
  id: 'web',
  description: 'any static HTML page by CSS selectors: --param item=SEL [title= text= link= date= author= next= ...]',
  example: 'https://example.com/news --param item=article --param title=h2 --param link="a@href"',
  params: selectorParams,
  features: { requireConfig: ['params.item (CSS selector of one item)'] },
  parse({ page, params, now }) {
    return extractBySelectors(page, params, 'web', now);
  },
});
