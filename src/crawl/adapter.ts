// The adapter contract: one file per site in crawlers/, each exporting one `defineAdapter({...})`.
// Adapters are pure: `parse` turns a fetched page into observations plus follow-up requests; the
// runner owns every side effect (network, sleeping, retries, cookies, storage, clock).
import type { z } from 'zod';
import type { Observation } from '../core/observation.js';
import { CrawlError, ParseError } from './errors.js';
import type { LoginSpec } from './login-spec.js';

export interface CrawlRequest {
  url: string;
  /** what the adapter expects there, for its own dispatch (e.g. 'detail', 'long-text') */
  label?: string;
  /** 'next' = pagination of the same listing; 'detail' = enrichment of items already seen */
  follow?: 'next' | 'detail';
  headers?: Record<string, string>;
  /** render in a headless browser before parsing */
  render?: boolean;
  /** free data the adapter passes to itself (e.g. the id of the post a comment page belongs to) */
  meta?: Record<string, unknown>;
}

export interface Page {
  request: CrawlRequest;
  /** the URL after redirects */
  url: string;
  status: number;
  contentType: string;
  text: string;
  charset: string;
}

export interface ParseContext<P> {
  page: Page;
  params: P;
  /** the crawl time: every observation's `at` */
  now: Date;
}

export interface ParseResult {
  observations: Observation[];
  requests?: CrawlRequest[];
}

export interface AdapterFeatures {
  /** names of config the adapter cannot work without (env variables or params), for docs and checks */
  requireConfig: string[];
  /** needs a headless browser (puppeteer + system Chromium) */
  browser?: boolean;
  /**
   * opens platform pages in a logged-in browser session (requests with render + meta.session,
   * browser-session.ts): the runner needs a browser, but requests without render are fetched plainly
   */
  browserSession?: boolean;
  /** HTTP statuses that mean "this session is blocked" (default 403, 418, 432) */
  blockedStatuses?: number[];
}

export interface AdapterDefinition<P = Record<string, unknown>> {
  id: string;
  description: string;
  /** an example URL a user can try with `flarewatch crawl` */
  example: string;
  params: z.ZodType<P>;
  features: AdapterFeatures;
  /** first requests for a source URL (default: the URL itself) */
  start?(url: string, params: P): CrawlRequest[];
  /** headers this site needs (Referer, X-Requested-With, ...) */
  headers?(req: CrawlRequest, params: P): Record<string, string>;
  /** pure: page in, observations and follow-ups out. Throws only CrawlError subclasses. */
  parse(ctx: ParseContext<P>): ParseResult;
  /**
   * Where to re-fetch the metrics of a post already seen (re-observation), on the origin of
   * `sourceUrl`; null when not possible (then the item's own url is re-fetched).
   */
  reobserveUrl?(obs: { id: string; url?: string | null }, params: P, sourceUrl: string): string | null;
  /** how an admin logs an account in by QR code on the dashboard (src/crawl/qr-login.ts); absent: no QR login */
  login?: LoginSpec;
}

export type AnyAdapter = AdapterDefinition<any>;

/**
 * Define an adapter. The returned `parse` is guarded: anything a parser throws that is not a
 * CrawlError (a TypeError on a malformed page) becomes a ParseError naming the adapter and URL,
 * so the runner's error policy always sees a typed error.
 */
export function defineAdapter<P>(def: AdapterDefinition<P>): AdapterDefinition<P> {
  const parse = def.parse;
  return {
    ...def,
    parse(ctx) {
      try {
        return parse.call(def, ctx);
      } catch (e) {
        if (e instanceof CrawlError) throw e;
        throw Object.assign(new ParseError(`${def.id}: cannot parse ${ctx.page?.url ?? 'page'}: ${(e as Error)?.message ?? String(e)}`, ctx.page?.url), { cause: e });
      }
    },
  };
}

/** Parse JSON or throw ParseError (with a hint when the body is HTML: a login wall or error page). */
export function parseJson(page: Page): unknown {
  try {
    return JSON.parse(page.text);
  } catch {
    const looksHtml = /^\s*</.test(page.text);
    throw new ParseError(`expected JSON from ${page.url}${looksHtml ? ' but got HTML (a login wall or error page?)' : ''}`, page.url);
  }
}

/** Resolve a link against the page URL; null when it is not http(s). */
export function absoluteUrl(href: string | null | undefined, base: string): string | null {
  if (!href) return null;
  try {
    const u = new URL(href.trim(), base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}
