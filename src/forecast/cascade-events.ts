// Turns what a crawler saw of a root post into SEISMIC events: reposts with their publish times and
// follower counts, plus reposts known only from the root's `metrics.reposts` snapshots (placed in
// the polling interval where the count grew), plus any surplus of a latest count. Reach is
// (followers + 1)^beta expressed in units of the mean reposter, so the same constants work with and
// without followers; the absolute level (log10 of the mean reach) is returned separately.
import type { CascadeEvent } from './seismic.js';

export interface RepostSeen {
  /** when the repost was published, ms */
  at: number;
  followers?: number | null;
}

export interface CountSnapshot {
  /** when the count was observed, ms */
  at: number;
  reposts: number;
}

export interface BuiltCascade {
  events: CascadeEvent[];
  /** reach of the root in mean-reposter units, or null when it cannot be told (use a default) */
  rootWeight: number | null;
  /** true when at least one reposter's follower count was known */
  hasFollowers: boolean;
  /** total reposts represented by the events */
  total: number;
  /** mean (followers + 1)^beta of reposters with a known count; 0 when none */
  meanFollowers: number;
  /** log10 of meanFollowers (0 when no follower count is known): the cascade's absolute reach level */
  logMeanReach: number;
}

const known = (f: number | null | undefined): f is number => typeof f === 'number' && Number.isFinite(f) && f >= 0;

/**
 * Build weighted events (times in seconds since `publishedAt`, only those up to `now`).
 * Unknown follower counts count as one mean reposter.
 */
export function buildCascade(input: {
  publishedAt: number;
  now: number;
  rootFollowers?: number | null;
  reposts: readonly RepostSeen[];
  snapshots?: readonly CountSnapshot[];
  observedCount?: number;
  /** reach of a node = (followers + 1)^followerExponent (1 = SEISMIC's linear reach); default 1 */
  followerExponent?: number;
}): BuiltCascade {
  const { publishedAt, now } = input;
  const beta = input.followerExponent ?? 1;
  const reach = (f: number) => (beta === 1 ? f + 1 : Math.pow(f + 1, beta));
  const nowS = (now - publishedAt) / 1000;
  let sum = 0;
  let n = 0;
  for (const r of input.reposts) {
    if (known(r.followers)) { sum += reach(r.followers); n++; }
  }
  const mean = n > 0 ? sum / n : 0;
  const events: CascadeEvent[] = [];
  const times: number[] = [];
  for (const r of input.reposts) {
    const t = Math.max(0, (r.at - publishedAt) / 1000);
    if (!(t <= nowS)) continue;
    events.push({ t, w: n > 0 && known(r.followers) ? reach(r.followers) / mean : 1, m: 1 });
    times.push(t);
  }
  let total = events.length;

  // Reposts known only from count snapshots: wherever the snapshot count runs ahead of the reposts
  // seen with a time, put the difference at the middle of that polling interval.
  const snaps = (input.snapshots ?? []).filter((s) => Number.isFinite(s.at) && s.at <= now && Number.isFinite(s.reposts))
    .slice().sort((a, b) => a.at - b.at);
  if (snaps.length > 0) {
    times.sort((a, b) => a - b);
    let j = 0;
    let synthetic = 0;
    let prev = 0;
    for (const s of snaps) {
      const at = Math.max(0, (s.at - publishedAt) / 1000);
      while (j < times.length && times[j] <= at) j++;
      const deficit = s.reposts - j - synthetic;
      if (deficit > 0) {
        events.push({ t: (prev + at) / 2, w: 1, m: deficit });
        synthetic += deficit;
      }
      prev = Math.max(prev, at);
    }
    total += synthetic;
  }

  // A latest count larger than everything above: spread the surplus like the reposts already seen
  // (or evenly over the post's life when none were seen).
  const surplus = (input.observedCount ?? 0) - total;
  if (surplus > 0) {
    if (total > 0) {
      const f = (total + surplus) / total;
      for (const e of events) e.m *= f;
    } else {
      const bins = 4;
      for (let b = 0; b < bins; b++) events.push({ t: (nowS * (b + 0.5)) / bins, w: 1, m: surplus / bins });
    }
    total += surplus;
  }
  const rootWeight = n > 0 && known(input.rootFollowers) ? reach(input.rootFollowers) / mean : null;
  return { events, rootWeight, hasFollowers: n > 0, total, meanFollowers: mean, logMeanReach: n > 0 ? Math.log10(mean) : 0 };
}
