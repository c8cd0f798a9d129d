// The observation: what a crawler saw of one item at one moment (contracts.md §1), its zod
// schema with the bounds of observation-limits.ts (shape, counts, dates), and a line parser that
// reports bad input with its line number and the item's source:id instead of throwing.
import { z } from 'zod';
import { OBSERVATION_LIMITS, checkCount, checkInstant, checkShape } from './observation-limits.js';

export const OBSERVATION_KINDS = ['post', 'comment', 'repost', 'review', 'trend'] as const;
export type ObservationKind = (typeof OBSERVATION_KINDS)[number];

export interface ObservationAuthor {
  id?: string | null;
  name?: string | null;
  followers?: number | null;
  verified?: boolean | null;
}

export interface ObservationMetrics {
  reposts?: number | null;
  comments?: number | null;
  likes?: number | null;
  views?: number | null;
  heat?: number | null;
  /** hot-search rank (1 = top) for `trend` observations */
  rank?: number | null;
}

export interface Observation {
  at: string;
  source: string;
  kind: ObservationKind;
  id: string;
  url?: string | null;
  parentId?: string | null;
  author?: ObservationAuthor | null;
  title?: string | null;
  text?: string | null;
  publishedAt?: string | null;
  metrics?: ObservationMetrics | null;
  rating?: number | null;
  /** trend: position on the hot list (1 = top), contracts.md §1; `metrics.rank` is read too */
  rank?: number | null;
  /** adapter-specific extras (heimao company/demand/status/amount, tieba floor, ...) */
  extra?: Record<string, unknown> | null;
}

const isoDate = z.string().superRefine((s, ctx) => {
  const why = checkInstant(s);
  if (why) ctx.addIssue({ code: 'custom', message: why });
});
/** a count: a number or a string of digits, finite, 0..1e12 (observation-limits.ts); null when absent */
const count = z.unknown().transform((v, ctx) => {
  if (v == null) return null;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
  const why = n === undefined ? `${JSON.stringify(v)?.slice(0, 40) ?? typeof v} is not a count (a number or a string of digits)` : checkCount(n);
  if (why || n === undefined) {
    ctx.addIssue({ code: 'custom', message: why ?? 'not a count' });
    return z.NEVER;
  }
  return Math.floor(n);
}).optional();

export const observationSchema = z.object({
  at: isoDate,
  source: z.string().min(1).max(64),
  kind: z.enum(OBSERVATION_KINDS),
  id: z.union([z.string().min(1).max(256), z.number().transform(String)]),
  url: z.string().max(4096).nullish(),
  parentId: z.union([z.string(), z.number().transform(String)]).nullish(),
  author: z.object({
    id: z.union([z.string(), z.number().transform(String)]).nullish(),
    name: z.string().nullish(),
    followers: count,
    verified: z.boolean().nullish(),
  }).passthrough().nullish(),
  title: z.string().nullish(),
  text: z.string().nullish(),
  publishedAt: isoDate.nullish(),
  metrics: z.object({
    reposts: count, comments: count, likes: count, views: count, heat: count, rank: count,
  }).passthrough().nullish(),
  rating: z.number().min(0).max(10).nullish(),
  rank: count,
  extra: z.record(z.string(), z.unknown()).nullish(),
}).passthrough();

export class ObservationError extends Error {
  override name = 'ObservationError';
  /** what is wrong, without the line number and item */
  readonly reason: string;
  constructor(message: string, readonly line?: number, readonly item?: string | null) {
    super(`${line ? `line ${line}: ` : ''}${message}${item ? ` (item ${item})` : ''}`);
    this.reason = message;
  }
}

/** `source:id` of a raw item when both are readable, for naming a refused item. */
export function itemKey(value: unknown): string | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const { source, id } = value as Record<string, unknown>;
  const part = (x: unknown) => (typeof x === 'string' ? x.slice(0, 80) : typeof x === 'number' && Number.isFinite(x) ? String(x) : null);
  const s = part(source), i = part(id);
  return s && i ? `${s}:${i}` : null;
}

export interface ObservationCheckOptions {
  /** the receiver's clock: `at` may be at most a day after it (live ingest; replay has none) */
  now?: Date;
}

/** Bounds across fields: publishedAt against `at`, `at` against the clock, size of `extra`. */
function crossCheck(o: Observation, opts: ObservationCheckOptions): string | null {
  const at = Date.parse(o.at);
  if (opts.now) {
    const why = checkInstant(o.at, { ms: opts.now.getTime(), what: "the receiver's clock" });
    if (why) return `field 'at': ${why}`;
  }
  if (o.publishedAt) {
    const why = checkInstant(o.publishedAt, { ms: at, what: "'at'" });
    if (why) return `field 'publishedAt': ${why}`;
  }
  if (o.extra) {
    const bytes = Buffer.byteLength(JSON.stringify(o.extra));
    if (bytes > OBSERVATION_LIMITS.maxExtraBytes) return `field 'extra': ${bytes} bytes as JSON, at most ${OBSERVATION_LIMITS.maxExtraBytes}`;
  }
  return null;
}

/**
 * Validate one decoded JSON value as an observation: shape first (depth, sizes), then the schema
 * (types, counts, dates), then bounds across fields. Throws ObservationError naming the field,
 * the item (source:id) and why.
 */
export function toObservation(value: unknown, line?: number, opts: ObservationCheckOptions = {}): Observation {
  const item = itemKey(value);
  const shape = checkShape(value);
  if (shape) throw new ObservationError(shape, line, item);
  const r = observationSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue.path.length ? `field '${issue.path.join('.')}'` : 'observation';
    throw new ObservationError(`${where}: ${issue.message}`, line, item);
  }
  const o = r.data as Observation;
  dropNulCharacters(o);
  const why = crossCheck(o, opts);
  if (why) throw new ObservationError(why, line, item);
  return o;
}

/**
 * Remove U+0000 from every string of an observation, in place. Crawled pages carry them now and
 * then; they mean nothing in text, PostgreSQL cannot store them in a text column, and a search or
 * a message would show them as garbage. Keeping them out here makes both stores hold the same.
 */
export function dropNulCharacters(o: object): void {
  const stack: unknown[] = [o];
  while (stack.length) {
    const v = stack.pop() as Record<string, unknown> | unknown[];
    const keys = Array.isArray(v) ? v.keys() : Object.keys(v);
    for (const k of keys as Iterable<string | number>) {
      const x = (v as Record<string | number, unknown>)[k];
      if (typeof x === 'string') { if (x.includes('\u0000')) (v as Record<string | number, unknown>)[k] = x.replaceAll('\u0000', ''); }
      else if (x !== null && typeof x === 'object') stack.push(x);
    }
  }
}

/** Parse one JSON Lines line. Returns null for blank lines. */
export function parseObservationLine(text: string, line?: number): Observation | null {
  const t = text.trim();
  if (!t) return null;
  let value: unknown;
  try {
    value = JSON.parse(t);
  } catch (e) {
    throw new ObservationError(`not valid JSON (${(e as Error).message})`, line);
  }
  return toObservation(value, line);
}

export const postKey = (source: string, id: string): string => `${source}:${id}`;
