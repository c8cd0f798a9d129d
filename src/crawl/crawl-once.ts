// One crawl of one adapter from one start URL: fetch pages through a PageFetcher (which owns the
// network side), parse them, follow pagination and detail requests on the same origin up to
// maxPages, stop paging at known ids, merge detail-page data into list items, stamp every
// observation with the crawl time and the adapter id, and skip (reporting why) any observation
// outside the bounds every ingested observation must keep.
import { toObservation, dropNulCharacters, type Observation } from '../core/observation.js';
import type { AnyAdapter, CrawlRequest, Page } from './adapter.js';
import { AdapterConfigError, CrawlError, BlockedError, ParseError } from './errors.js';

export interface PageFetcher {
  fetchPage(req: CrawlRequest, adapter: AnyAdapter): Promise<Page>;
}

export interface CrawlOnceOptions {
  adapter: AnyAdapter;
  url: string;
  params?: Record<string, unknown>;
  /** total pages fetched, start page included (default 5) */
  maxPages?: number;
  now: Date;
  fetcher: PageFetcher;
  /** raw (unparsed) parameters; validated with the adapter's schema */
  /** ids (of this adapter's source) already stored: a listing page with nothing new is not paged further */
  knownIds?: (ids: string[]) => Set<string>;
  /** extra start requests (re-observation of young posts) */
  extraRequests?: CrawlRequest[];
  log?: (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

export interface CrawlOnceResult {
  observations: Observation[];
  pages: number;
  errors: { url: string; error: CrawlError }[];
  blocked: BlockedError | null;
}

const FIELDS_TO_MERGE = ['url', 'parentId', 'title', 'text', 'publishedAt', 'rating'] as const;

/** Merge a later sighting of the same item (detail page) into an earlier one. */
export function mergeObservation(a: Observation, b: Observation): Observation {
  const out: Observation = { ...a };
  for (const f of FIELDS_TO_MERGE) {
    const v = b[f];
    if (v != null && v !== '' && (f !== 'text' || String(v).length >= String(a.text ?? '').length)) (out as unknown as Record<string, unknown>)[f] = v;
  }
  if (b.author) out.author = { ...(a.author ?? {}), ...Object.fromEntries(Object.entries(b.author).filter(([, v]) => v != null)) };
  if (b.metrics) out.metrics = { ...(a.metrics ?? {}), ...Object.fromEntries(Object.entries(b.metrics).filter(([, v]) => v != null)) };
  if (b.extra) out.extra = { ...(a.extra ?? {}), ...b.extra };
  return out;
}

export async function crawlOnce(o: CrawlOnceOptions): Promise<CrawlOnceResult> {
  const parsed = o.adapter.params.safeParse(o.params ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AdapterConfigError(`${o.adapter.id}: parameter '${issue.path.join('.') || '?'}': ${issue.message}`, o.url);
  }
  const params = parsed.data as Record<string, unknown>;
  const maxPages = Math.max(1, o.maxPages ?? 5);
  const origin = new URL(o.url).origin;
  const starts = o.adapter.start ? o.adapter.start(o.url, params) : [{ url: o.url }];
  // extra (re-observation) requests start the way the adapter starts any URL (a browser session for
  // a note page, a signing step), keeping their own label and meta underneath
  const extra = (o.extraRequests ?? []).flatMap((r) => (o.adapter.start ? o.adapter.start(r.url, params).map((s) => ({ ...r, ...s, meta: { ...r.meta, ...s.meta } })) : [r]));
  const queue: CrawlRequest[] = [...starts, ...extra];
  const seenUrls = new Set<string>();
  const byKey = new Map<string, Observation>();
  const errors: CrawlOnceResult['errors'] = [];
  let pages = 0;
  let blocked: BlockedError | null = null;
  const at = o.now.toISOString();

  while (queue.length && pages < maxPages) {
    // detail pages before further pagination, so a small budget still enriches what was listed
    const i = queue.findIndex((r) => r.follow !== 'next');
    const req = queue.splice(i >= 0 ? i : 0, 1)[0];
    if (seenUrls.has(req.url)) continue;
    seenUrls.add(req.url);
    pages++;
    let page: Page;
    try {
      const headers = { ...(o.adapter.headers?.(req, params) ?? {}), ...req.headers };
      page = await o.fetcher.fetchPage({ ...req, headers }, o.adapter);
      const res = o.adapter.parse({ page, params, now: o.now });
      const fresh: string[] = [];
      for (const ob of res.observations) {
        const full: Observation = { ...ob, at, source: ob.source || o.adapter.id };
        const key = `${full.source}|${full.kind}|${full.id}`;
        const prev = byKey.get(key);
        byKey.set(key, prev ? mergeObservation(prev, full) : full);
        if (!prev && full.kind !== 'trend') fresh.push(full.id);
      }
      let stopPaging = false;
      if (o.knownIds && fresh.length) {
        const known = o.knownIds(fresh);
        stopPaging = fresh.every((id) => known.has(id));
        if (stopPaging) o.log?.('debug', 'every item on the page is known: not paging further', { url: req.url });
      }
      for (const next of res.requests ?? []) {
        if (stopPaging && next.follow === 'next') continue;
        try {
          if (new URL(next.url).origin !== origin) continue;
        } catch {
          continue;
        }
        if (!seenUrls.has(next.url)) queue.push(next);
      }
    } catch (e) {
      if (e instanceof BlockedError) {
        blocked = e;
        errors.push({ url: req.url, error: e });
        break;
      }
      if (e instanceof CrawlError) {
        errors.push({ url: req.url, error: e });
        o.log?.('warn', `crawl error: ${e.message}`, { url: req.url, error: e.name });
        continue;
      }
      throw e;
    }
  }
  // what a site shows passes the same bounds as ingested data (observation-limits.ts); the rest is reported and skipped
  const observations: Observation[] = [];
  for (const ob of byKey.values()) {
    try {
      toObservation(ob, undefined, { now: o.now });
      dropNulCharacters(ob);
      observations.push(ob);
    } catch (e) {
      const url = ob.url ?? o.url;
      errors.push({ url, error: new ParseError(`${o.adapter.id}: item skipped: ${(e as Error).message}`, url) });
      o.log?.('warn', `${o.adapter.id}: item skipped: ${(e as Error).message}`, { url });
    }
  }
  return { observations, pages, errors, blocked };
}
