// What the post/comment/search adapters of the signed-request platforms (bilibili, zhihu, xhs,
// douyin, kuaishou) share: small zod params (a bounded whole number, a yes/no), timestamps in
// seconds or milliseconds to ISO, setting one query parameter, and a follow-up budget helper.
// Not an adapter (crawlers/lib/ is not scanned by the registry).
import { z } from 'zod';

/** A whole number given as text (every crawl param is a string), bounded, with a default. */
export const intParam = (def: number, min: number, max: number) =>
  z.string().regex(/^\d+$/, 'a whole number').default(String(def)).transform((v) => Number(v)).pipe(z.number().int().min(min).max(max));

export const boolParam = (def: boolean) => z.enum(['true', 'false']).default(def ? 'true' : 'false').transform((v) => v === 'true');

/** Unix seconds or milliseconds (number or digits) to ISO; null when absent or not plausible. */
export function isoFromUnix(v: unknown): string | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) return null;
  const ms = n < 1e11 ? n * 1000 : n;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** The URL with one query parameter set (or removed when value is null). */
export function withQuery(url: string, key: string, value: string | null): string {
  const u = new URL(url);
  if (value == null) u.searchParams.delete(key);
  else u.searchParams.set(key, value);
  return u.href;
}

/** A number from a query parameter, or the default. */
export function queryInt(url: string, key: string, def: number): number {
  const v = new URL(url).searchParams.get(key);
  return v && /^\d+$/.test(v) ? Number(v) : def;
}
