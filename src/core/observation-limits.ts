// Bounds on an observation, checked before anything is stored: the shape of the raw JSON value
// (nesting depth, number of values, string sizes; walked without recursion, so a value nested
// 6,000 deep is refused instead of overflowing the stack later), counts (finite, 0 to 1e12) and
// dates (1990-01-01 to 2100-01-01; publishedAt at most a day after `at`; `at` at most a day after
// the receiver's clock when there is one). Each check answers with the reason, or null.

export const OBSERVATION_LIMITS = {
  /** levels of objects/arrays inside an observation (extra: {a: [..]} is 3) */
  maxDepth: 8,
  /** objects, arrays and scalars in one observation */
  maxValues: 5_000,
  /** characters of `text` */
  maxTextChars: 200_000,
  /** characters of any other string */
  maxStringChars: 20_000,
  /** bytes of `extra` as JSON */
  maxExtraBytes: 64 * 1024,
  /** largest count (reposts, comments, likes, views, heat, followers, rank) */
  maxCount: 1e12,
  earliest: Date.parse('1990-01-01T00:00:00Z'),
  latest: Date.parse('2100-01-01T00:00:00Z'),
  /** how far publishedAt may be after `at`, and `at` after the receiver's clock (clock skew) */
  futureSlackMs: 24 * 3_600_000,
} as const;

const L = OBSERVATION_LIMITS;
const fmt = (n: number) => n.toLocaleString('en-US');

/** Depth, size and string-length limits of a raw decoded JSON value. */
export function checkShape(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null; // the schema says what it should be
  const stack: { v: unknown; depth: number; path: string }[] = [{ v: value, depth: 1, path: '' }];
  let count = 0;
  while (stack.length) {
    const { v, depth, path } = stack.pop()!;
    if (++count > L.maxValues) return `more than ${fmt(L.maxValues)} values in one observation`;
    if (typeof v === 'string') {
      const max = path === 'text' ? L.maxTextChars : L.maxStringChars;
      if (v.length > max) return `field '${path}': ${fmt(v.length)} characters, at most ${fmt(max)}`;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth > L.maxDepth) return `field '${path}': nested more than ${L.maxDepth} levels deep`;
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v as Record<string, unknown>);
    if (entries.length > L.maxValues) return `field '${path || 'observation'}': more than ${fmt(L.maxValues)} values`;
    for (const [k, x] of entries) stack.push({ v: x, depth: depth + 1, path: path ? `${path}.${k}` : k });
  }
  return null;
}

/** A count: a finite number from 0 to 1e12 (null: fine). */
export function checkCount(v: number | null | undefined): string | null {
  if (v == null) return null;
  if (!Number.isFinite(v)) return `${v} is not a finite number`;
  if (v < 0) return `${v} is negative; counts are 0 or more`;
  if (v > L.maxCount) return `${v} is more than ${L.maxCount.toExponential()}, the largest count accepted`;
  return null;
}

/** An instant within the accepted years, and not after `notAfter` (ms) when given. */
export function checkInstant(text: string, notAfter?: { ms: number; what: string }): string | null {
  const t = Date.parse(text);
  if (Number.isNaN(t)) return `'${text}' is not an ISO 8601 date`;
  if (t < L.earliest) return `${text} is before 1990`;
  if (t >= L.latest) return `${text} is after 2099`;
  if (notAfter && t > notAfter.ms + L.futureSlackMs) return `${text} is more than a day after ${notAfter.what} (${new Date(notAfter.ms).toISOString()})`;
  return null;
}
