// Re-observation of young posts on a decaying schedule: a post first seen at t0 is re-fetched at
// t0 + 5, 10, 20, 40, 80 ... minutes (each gap as long as the post's age at its last snapshot,
// never shorter than the first gap) until it is older than the maximum age. The virality
// scorer reads these snapshots. Pure: the clock is an argument.

export interface ReobserveSettings {
  /** first re-observation after this many minutes (default 5) */
  firstMinutes: number;
  /** stop re-observing posts first seen longer ago than this (default 24 h) */
  maxAgeMinutes: number;
  /** at most this many re-fetches per tick (default 30) */
  limit: number;
}

export const DEFAULT_REOBSERVE: ReobserveSettings = { firstMinutes: 5, maxAgeMinutes: 24 * 60, limit: 30 };

export interface SeenPost { source: string; id: string; url: string | null; firstSeenAt: string; lastSeenAt: string }

/** When the next snapshot of a post is due, or null when it is too old to follow. */
export function nextDueAt(p: Pick<SeenPost, 'firstSeenAt' | 'lastSeenAt'>, s: ReobserveSettings = DEFAULT_REOBSERVE): number | null {
  const first = Date.parse(p.firstSeenAt), last = Date.parse(p.lastSeenAt);
  if (Number.isNaN(first) || Number.isNaN(last)) return null;
  const gap = Math.max(s.firstMinutes * 60_000, last - first);
  const due = last + gap;
  return due - first > s.maxAgeMinutes * 60_000 ? null : due;
}

/** Posts whose next snapshot is due at `now`, most overdue first, at most `limit`. */
export function dueForReobservation(posts: SeenPost[], now: Date, s: ReobserveSettings = DEFAULT_REOBSERVE): { source: string; id: string; url: string }[] {
  const t = now.getTime();
  return posts
    .map((p) => ({ p, due: nextDueAt(p, s) }))
    .filter((x): x is { p: SeenPost; due: number } => x.due !== null && x.due <= t + 15_000 && !!x.p.url)
    .sort((a, b) => a.due - b.due)
    .slice(0, s.limit)
    .map(({ p }) => ({ source: p.source, id: p.id, url: p.url! }));
}
