// In-memory working state of one incident (its member posts' features and metric history) and
// the computation of its risk features from that state. Serializable to incidents.state_json.
import type { LevelState } from './level-state.js';
import type { IncidentFeatures } from './risk-model.js';

export interface MemberPost {
  pk: number;
  key: string;            // source:id
  source: string;
  kind: string;
  isRoot: boolean;
  followers: number;
  sentiment: number;      // -1..1
  severity: number;
  severityTerms: string[];
  severityCategories: string[];
  /** the category of each of severityTerms */
  severityTermCategories?: string[];
  publishedAt: number;    // ms
  addedAt: number;        // ms
  hash: string | null;
  /** simhash of the author's own words (without the repost chain), null when too short to tell */
  ownHash: string | null;
  authorId: string | null;
  /** [atMs, reposts, comments] snapshots, oldest first, capped */
  history: [number, number, number][];
  /** hot-search items: [atMs, rank (0 = off the list), heat] snapshots, oldest first, capped */
  trend?: [number, number, number][];
}

export interface IncidentState {
  id: string;
  seq: number;
  topicId: string;
  kind: 'story' | 'surge';
  title: string;
  openedAt: number;
  lastPostAt: number;
  members: MemberPost[];
  /** content tokens of the first posts, for the title */
  docs: string[][];
  /** token -> weight, the incident's vocabulary for similarity */
  terms: Record<string, number>;
  level: LevelState;
  risk: number;
  peakRisk: number;
  reasons: string[];
  forecast: { reposts: number; low: number; high: number } | null;
  dirty: boolean;
  closed: boolean;
  /** when the working state was last written to the database (ms) */
  savedAt?: number;
  /** member count at the last row update */
  savedPosts?: number;
}

export const HISTORY_CAP = 64;

export function pushHistory(m: MemberPost, at: number, reposts: number, comments: number): void {
  const h = m.history;
  const last = h[h.length - 1];
  if (last && last[0] === at) { last[1] = reposts; last[2] = comments; return; }
  if (last && at < last[0]) return;
  h.push([at, reposts, comments]);
  if (h.length > HISTORY_CAP) h.splice(0, h.length - HISTORY_CAP);
}

export function pushTrend(m: MemberPost, at: number, rank: number | null, heat: number): void {
  const h = (m.trend ??= []);
  const last = h[h.length - 1];
  if (last && at <= last[0]) return;
  h.push([at, rank ?? 0, heat]);
  if (h.length > HISTORY_CAP) h.splice(0, h.length - HISTORY_CAP);
}

/** The incident's best hot-search position now, and how it moved over the last hour. */
export function trendState(members: MemberPost[], now: number): IncidentFeatures['trend'] {
  let best: IncidentFeatures['trend'] = null;
  for (const m of members) {
    const h = m.trend;
    if (!h?.length) continue;
    const last = h[h.length - 1];
    if (now - last[0] > 90 * 60_000 || last[1] <= 0) continue; // off the list, or not seen lately
    let before: [number, number, number] | null = null;
    for (const x of h) { if (x[0] <= now - 3_600_000) before = x; else break; }
    const first = before ?? h[0];
    const rankGain = first[1] > 0 ? first[1] - last[1] : 51 - last[1];
    const dtH = Math.max((last[0] - first[0]) / 3_600_000, 1 / 12);
    const heatPerHour = Math.max(0, (last[2] - first[2]) / dtH);
    if (!best || last[1] < best.rank) best = { term: m.key.slice(m.key.indexOf(':') + 1), rank: last[1], heat: last[2], rankGain, heatPerHour, entered: !before };
  }
  return best;
}

/** Growth per hour of a metric over the window ending at `now` (from snapshots). */
export function ratePerHour(history: [number, number, number][], idx: 1 | 2, now: number, windowMs: number, publishedAt: number): number {
  if (!history.length) return 0;
  const last = history[history.length - 1];
  if (now - last[0] > windowMs * 2) return 0; // stale: nothing seen lately
  const from = now - windowMs;
  let base: [number, number, number] | null = null;
  for (const s of history) { if (s[0] <= from) base = s; else break; }
  if (!base) {
    // the post is younger than the window: growth since publication
    const t0 = Math.min(publishedAt || history[0][0], history[0][0]);
    const dt = Math.max(last[0] - t0, 60_000);
    return (last[idx] / dt) * 3_600_000;
  }
  const dt = Math.max(last[0] - base[0], 60_000);
  return Math.max(0, ((last[idx] - base[idx]) / dt) * 3_600_000);
}

const reachWeight = (followers: number) => Math.log10(10 + Math.max(0, followers));

export interface FeatureContext {
  now: number;
  velocityWindowMs: number;
  surprise: number;
  surpriseDetail?: { observed: number; expected: number; windowMin: number };
  forecast: { reposts: number; low: number; high: number } | null;
  coordinatedShare: number;
  /** engagement of the top post against what its author's reach predicts (0..1), and the ratio */
  virality?: { score: number; ratio: number } | null;
}

export function computeFeatures(s: IncidentState, ctx: FeatureContext): IncidentFeatures {
  let negW = 0, totW = 0, negN = 0, negIntensity = 0, maxFollowers = 0, sev = 0;
  let rph = 0, cph = 0, totalReposts = 0;
  const sevTerms = new Map<string, string>();
  const sources = new Set<string>();
  let recentPosts = 0;
  for (const m of s.members) {
    const w = reachWeight(m.followers);
    totW += w;
    sources.add(m.source);
    if (m.sentiment < 0) { negW += w; negN++; negIntensity += Math.min(1, -m.sentiment); }
    if (m.sentiment < 0 || m.severity >= 0.5) {
      if (m.severity > sev) sev = m.severity;
      m.severityTerms.forEach((t, i) => { if (!sevTerms.has(t)) sevTerms.set(t, m.severityTermCategories?.[i] ?? m.severityCategories[0] ?? 'other'); });
    }
    if (m.followers > maxFollowers) maxFollowers = m.followers;
    if (m.isRoot && m.history.length) {
      rph += ratePerHour(m.history, 1, ctx.now, ctx.velocityWindowMs, m.publishedAt);
      cph += ratePerHour(m.history, 2, ctx.now, ctx.velocityWindowMs, m.publishedAt);
      totalReposts += m.history[m.history.length - 1][1];
    }
    if (ctx.now - m.addedAt <= ctx.velocityWindowMs) recentPosts++;
  }
  // new posts joining the story count like reposts (a repost chain seen as separate posts)
  rph += (recentPosts / ctx.velocityWindowMs) * 3_600_000;
  // several severe terms together weigh more than the strongest alone
  const sevScore = Math.min(1, sev + 0.05 * Math.max(0, sevTerms.size - 1));
  return {
    posts: s.members.length,
    negativePosts: negN,
    negativeShare: totW ? negW / totW : 0,
    negativeIntensity: negN ? negIntensity / negN : 0,
    severity: { score: sevScore, terms: [...sevTerms].map(([term, category]) => ({ term, category })) },
    maxFollowers,
    repostsPerHour: rph,
    commentsPerHour: cph,
    totalReposts,
    forecast: ctx.forecast,
    surprise: ctx.surprise,
    surpriseDetail: ctx.surpriseDetail,
    sources: [...sources].sort(),
    coordinatedShare: ctx.coordinatedShare,
    trend: trendState(s.members, ctx.now),
    virality: ctx.virality,
  };
}
