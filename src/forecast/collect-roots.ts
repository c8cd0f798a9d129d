// Gathers, from a stream of observations, what the forecast needs per root post (kind post with
// no parentId): publish time, author followers, the metrics.reposts snapshots over `at`, and the
// reposts pointing at it (directly or through other reposts). Memory is O(posts + reposts).
import type { Observation } from '../core/observation.js';
import { postKey } from '../core/observation.js';
import type { CountSnapshot, RepostSeen } from './cascade-events.js';

export interface RootCascade {
  source: string;
  id: string;
  /** ms; falls back to the earliest time the file shows for the post when publishedAt is missing */
  publishedAt: number;
  /** latest `at` of the post or of its reposts, ms */
  now: number;
  followers: number | null;
  snapshots: CountSnapshot[];
  /** metrics.reposts at the latest snapshot */
  latestCount: number;
  reposts: RepostSeen[];
}

interface RootAcc {
  source: string; id: string; publishedAt: number | null; firstAt: number; now: number;
  followers: number | null; snapshots: CountSnapshot[]; latestAt: number; latestCount: number; reposts: RepostSeen[];
}
interface RepostAcc { parent: string; at: number; publishedAt: number; followers: number | null }

const MAX_CHAIN = 64;

export function collectRoots() {
  const roots = new Map<string, RootAcc>();
  const reposts = new Map<string, RepostAcc>();

  function add(o: Observation): void {
    const at = Date.parse(o.at);
    const pub = o.publishedAt ? Date.parse(o.publishedAt) : NaN;
    const followers = o.author?.followers ?? null;
    if (o.kind === 'post' && !o.parentId) {
      const key = postKey(o.source, o.id);
      let r = roots.get(key);
      if (!r) {
        r = { source: o.source, id: o.id, publishedAt: null, firstAt: at, now: at, followers: null, snapshots: [], latestAt: -Infinity, latestCount: 0, reposts: [] };
        roots.set(key, r);
      }
      if (r.publishedAt == null && Number.isFinite(pub)) r.publishedAt = pub;
      if (followers != null) r.followers = followers;
      r.firstAt = Math.min(r.firstAt, at);
      r.now = Math.max(r.now, at);
      const count = o.metrics?.reposts;
      if (count != null) {
        r.snapshots.push({ at, reposts: count });
        if (at >= r.latestAt) { r.latestAt = at; r.latestCount = count; }
      }
    } else if (o.kind === 'repost' && o.parentId) {
      const key = postKey(o.source, o.id);
      const prev = reposts.get(key);
      reposts.set(key, {
        parent: postKey(o.source, o.parentId),
        at: prev ? Math.max(prev.at, at) : at,
        publishedAt: prev?.publishedAt ?? (Number.isFinite(pub) ? pub : at),
        followers: followers ?? prev?.followers ?? null,
      });
    }
  }

  /** Attach reposts to their roots and return the roots in order of first sight. */
  function finish(): RootCascade[] {
    for (const rp of reposts.values()) {
      let key = rp.parent;
      for (let i = 0; i < MAX_CHAIN && !roots.has(key); i++) {
        const up = reposts.get(key);
        if (!up) break;
        key = up.parent;
      }
      const root = roots.get(key);
      if (!root) continue;
      root.reposts.push({ at: rp.publishedAt, followers: rp.followers });
      root.now = Math.max(root.now, rp.at);
    }
    return [...roots.values()].map((r) => {
      let publishedAt = r.publishedAt;
      if (publishedAt == null) {
        publishedAt = r.firstAt;
        for (const x of r.reposts) publishedAt = Math.min(publishedAt, x.at);
      }
      return { source: r.source, id: r.id, publishedAt, now: r.now, followers: r.followers, snapshots: r.snapshots, latestCount: r.latestCount, reposts: r.reposts };
    });
  }

  return { add, finish };
}
