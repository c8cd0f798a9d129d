// What every hot-list adapter (baidu-hot, douyin-hot, zhihu-hot, bilibili-hot, toutiao-hot) shares:
// the trend observation they emit (the same shape as weibo-hot: id = the topic's title, text =
// title, heat in metrics.heat, rank top-level and in metrics.rank, 1 = top, null when pinned), the
// params schema, and reading a JSON body with a typed error. Not an adapter (crawlers/lib/ is not
// scanned by the registry).
import { z } from 'zod';
import type { Page } from '../../src/crawl/adapter.js';
import { ParseError } from '../../src/crawl/errors.js';
import type { Observation } from '../../src/core/observation.js';

/** `includePinned=true` also emits the editor-pinned entries above a list (rank null, never ranked). */
export const hotListParams = z.object({
  includePinned: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
}).strict();
export type HotListParams = z.infer<typeof hotListParams>;

export interface HotTopic {
  title: string;
  /** 1 = top; null for a pinned entry */
  rank: number | null;
  heat: number | null;
  url: string | null;
  extra?: Record<string, unknown>;
}

/** A trend observation; the runner stamps `at`. Titles are trimmed and inner runs of space folded. */
export function trendObservation(source: string, t: HotTopic): Observation {
  const title = t.title.replace(/\s+/g, ' ').trim();
  const extra = Object.fromEntries(Object.entries(t.extra ?? {}).filter(([, v]) => v != null && v !== ''));
  return {
    at: '', source, kind: 'trend', id: title, url: t.url, title, text: title, rank: t.rank,
    metrics: { heat: t.heat, rank: t.rank },
    extra: Object.keys(extra).length ? extra : null,
  };
}

/** The page body as JSON, or a ParseError naming the adapter (with a hint when it is HTML). */
export function pageJson(adapterId: string, page: Page): unknown {
  try {
    return JSON.parse(page.text);
  } catch {
    const html = /^\s*</.test(page.text);
    throw new ParseError(`${adapterId}: expected JSON from ${page.url}${html ? ' but got HTML (a login wall or an error page?)' : page.text.trim() ? '' : ' but the body is empty'}`, page.url);
  }
}

/** https:// link or null (hot lists sometimes give http:// icons and app schemes like sslocal://). */
export function webUrl(v: unknown): string | null {
  if (typeof v !== 'string' || !v.trim()) return null;
  try {
    const u = new URL(v.trim());
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

/** A positive whole rank, or null. */
export function rankOf(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 1 ? n : null;
}
