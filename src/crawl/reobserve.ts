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

/**
 * Per-source settings: the scheduler builds this from each configured source's `reobserve` block
 * (sources.yaml), so a fast-moving source can be followed for 6 hours and a forum for 3 days.
 */
export interface ReobservePolicy {
  /** settings for posts of this observation source (e.g. 'weibo'), null: do not re-observe them */
  settingsOf(source: string): ReobserveSettings | null;
  /** the longest maxAgeMinutes of any source (how far back to look) */
  maxAgeMinutes: number;
}

/**
 * Posts whose next snapshot is due at `now`, most overdue first. With one settings object: at most
 * `limit` of them. With a policy: each post is judged by its source's settings (limits are applied
 * per source by the caller).
 */
export function dueForReobservation(posts: SeenPost[], now: Date, s: ReobserveSettings | ReobservePolicy = DEFAULT_REOBSERVE): { source: string; id: string; url: string }[] {
  const t = now.getTime();
  const policy = 'settingsOf' in s ? s : null;
  const due = posts
    .map((p) => {
      const settings = policy ? policy.settingsOf(p.source) : (s as ReobserveSettings);
      return { p, due: settings ? nextDueAt(p, settings) : null };
    })
    .filter((x): x is { p: SeenPost; due: number } => x.due !== null && x.due <= t + 15_000 && !!x.p.url)
    .sort((a, b) => a.due - b.due);
  return (policy ? due : due.slice(0, (s as ReobserveSettings).limit)).map(({ p }) => ({ source: p.source, id: p.id, url: p.url! }));
}
