// Generic extraction by CSS selectors (the `web` and `browser` adapters): one item per `item`
// match; each field is a selector relative to the item, optionally "selector@attribute"
// (e.g. "a@href", "time@datetime", "@data-id" for the item's own attribute).
import { load, type Cheerio, type CheerioAPI } from 'cheerio';
import type { AnyNode } from 'domhandler';
import { z } from 'zod';
import { createHash } from 'node:crypto';
import type { Observation, ObservationKind } from '../core/observation.js';
import type { CrawlRequest, Page } from './adapter.js';
import { absoluteUrl } from './adapter.js';
import { AdapterConfigError } from './errors.js';
import { parseSiteDate } from './dates.js';
import { htmlToText, parseCount } from './text.js';

export const selectorParams = z.object({
  item: z.string().min(1, 'give a CSS selector for one item, e.g. --param item=".post"'),
  title: z.string().optional(),
  text: z.string().optional(),
  link: z.string().optional(),
  id: z.string().optional(),
  author: z.string().optional(),
  date: z.string().optional(),
  likes: z.string().optional(),
  comments: z.string().optional(),
  rating: z.string().optional(),
  next: z.string().optional(),
  kind: z.enum(['post', 'comment', 'review']).default('post'),
  /** observation source name (default: the adapter id) */
  source: z.string().regex(/^[a-z0-9._-]+$/i).optional(),
  /** minutes east of UTC for dates without a zone (default 480, China) */
  tzOffset: z.coerce.number().int().min(-720).max(840).default(480),
  waitFor: z.string().optional(),
}).strict();
export type SelectorParams = z.infer<typeof selectorParams>;

function pick($: CheerioAPI, scope: Cheerio<AnyNode>, spec: string | undefined, html = false): string | null {
  if (!spec) return null;
  const at = spec.lastIndexOf('@');
  const sel = at >= 0 ? spec.slice(0, at).trim() : spec.trim();
  const attr = at >= 0 ? spec.slice(at + 1).trim() : null;
  let el: Cheerio<AnyNode>;
  try {
    el = sel ? scope.find(sel).first() : scope;
  } catch (e) {
    throw new AdapterConfigError(`bad CSS selector '${sel}': ${(e as Error).message}`);
  }
  if (!el.length) return null;
  const v = attr ? el.attr(attr) : html ? htmlToText(el.html()) : el.text();
  const t = v?.replace(/\s+/g, ' ').trim();
  return t ? t : null;
}

export function extractBySelectors(page: Page, p: SelectorParams, adapterId: string, now: Date): { observations: Observation[]; requests: CrawlRequest[] } {
  const $ = load(page.text);
  let items: Cheerio<AnyNode>;
  try {
    items = $(p.item);
  } catch (e) {
    throw new AdapterConfigError(`bad CSS selector for item '${p.item}': ${(e as Error).message}`);
  }
  const obs: Observation[] = [];
  items.each((_i, node) => {
    const it = $(node);
    const title = pick($, it, p.title);
    const text = p.text ? pick($, it, p.text, true) : title ? null : htmlToText(it.html());
    if (!title && !text) return;
    const link = absoluteUrl(pick($, it, p.link ?? 'a@href'), page.url);
    const id = pick($, it, p.id) ?? link ?? createHash('sha1').update(`${title ?? ''}\n${text ?? ''}`).digest('hex').slice(0, 16);
    const rating = parseCount(pick($, it, p.rating));
    obs.push({
      at: '', source: p.source ?? adapterId, kind: p.kind as ObservationKind, id, url: link,
      author: pick($, it, p.author) ? { name: pick($, it, p.author) } : null,
      title, text,
      publishedAt: parseSiteDate(pick($, it, p.date), now, p.tzOffset),
      metrics: { likes: parseCount(pick($, it, p.likes)), comments: parseCount(pick($, it, p.comments)) },
      rating: rating != null && rating >= 1 && rating <= 10 ? rating : null,
    });
  });
  const requests: CrawlRequest[] = [];
  const next = p.next ? absoluteUrl(pick($, $.root(), p.next.includes('@') ? p.next : `${p.next}@href`), page.url) : null;
  if (next && next !== page.url) requests.push({ url: next, follow: 'next' });
  return { observations: obs, requests };
}
