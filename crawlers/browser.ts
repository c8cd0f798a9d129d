// browser: any JavaScript-rendered page, rendered in headless Chromium (puppeteer, system
// browser) and then read by CSS selectors like `web`; `waitFor` names a selector to wait for.
import { defineAdapter } from '../src/crawl/adapter.js';
import { extractBySelectors, selectorParams } from '../src/crawl/selector-extract.js';

export default defineAdapter({
  id: 'browser',
  description: 'any JavaScript-rendered page, rendered in Chromium, then read by CSS selectors (same params as web, plus waitFor)',
  example: 'https://example.com/app --param item=".card" --param title=h3 --param waitFor=".card"',
  params: selectorParams,
  features: { requireConfig: ['params.item (CSS selector of one item)', 'Chromium (PUPPETEER_EXECUTABLE_PATH or /usr/bin/chromium)'], browser: true },
  start: (url, p) => [{ url, render: true, meta: p.waitFor ? { waitFor: p.waitFor } : {} }],
  parse({ page, params, now }) {
    return extractBySelectors(page, params, 'browser', now);
  },
});
