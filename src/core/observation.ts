// The observation: what a crawler saw of one item at one moment (contracts.md §1), its zod
// schema, and a line parser that reports bad input with its line number instead of throwing.
import { z } from 'zod';

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

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'not an ISO 8601 date' });
const count = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).nullish()
  .transform((v) => (v == null || !Number.isFinite(v) || v < 0 ? null : Math.floor(v)));

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
  constructor(message: string, readonly line?: number) {
    super(line ? `line ${line}: ${message}` : message);
  }
}

/** Validate one decoded JSON value as an observation. Throws ObservationError with a readable reason. */
export function toObservation(value: unknown, line?: number): Observation {
  const r = observationSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue.path.length ? `field '${issue.path.join('.')}'` : 'observation';
    throw new ObservationError(`${where}: ${issue.message}`, line);
  }
  return r.data as Observation;
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
