// In-memory working state of one incident (its member posts' features and metric history) and
// the computation of its risk features from that state. Serializable to incidents.state_json.
import type { LevelState } from './level-state.js';
import type { IncidentFeatures } from './risk-model.js';
import { DANGER_CLEAR } from '../text/danger-fold.js';

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
  /** headline danger 0..1 (rules/danger.yaml) */
  danger?: number;
  /** a health hazard / an official action is named */
  dangerHealth?: boolean;
  dangerOfficial?: boolean;
  /** reads as good news (launch, ambassador, sales record, debunked rumour) */
  positive?: boolean;
  /** the post's first sentence or the topic itself, for the incident title */
  headline?: string;
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
  forecast: { reposts: number; low: number; high: number; early?: { reposts: number; minutes: number } } | null;
  closed: boolean;
  /** when the working state was last written to the database (ms) */
  savedAt?: number;
  /** member count at the last row update */
  savedPosts?: number;
  /** when the incident's row (risk, reasons, forecast) was last written (ms) */
  rowAt?: number;
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
    if (!best || last[1] < best.rank) best = { term: m.key.slice(m.key.indexOf(':') + 1), rank: last[1], heat: last[2], rankGain, heatPerHour, entered: !before, source: m.source };
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
  forecast: { reposts: number; low: number; high: number; early?: { reposts: number; minutes: number } } | null;
  coordinatedShare: number;
  /** engagement of the top post against what its author's reach predicts (0..1), and the ratio */
  virality?: { score: number; ratio: number } | null;
}

/**
 * Running totals over an incident's members, kept beside the state (not serialized; rebuilt from
 * the members after a restart). Members are only ever appended, so totals extend incrementally
 * and scoring a big incident does not walk all its posts.
 */
interface Aggregates {
  n: number;
  byPk: Map<number, MemberPost>;
  totW: number; negW: number; negN: number; negInt: number; maxFollowers: number; sev: number;
  sevTerms: Map<string, string>;
  sources: Set<string>;
  /** root posts whose metrics moved recently: the only ones with velocity */
  active: Map<number, MemberPost>;
  totalReposts: number;
  top: MemberPost | null;
  trendMembers: MemberPost[];
  /** hot-list topics in the story, those that read as trouble, and those that read as good news */
  topics: number; dangerousTopics: number; positiveTopics: number;
  maxDanger: number; health: boolean; official: boolean;
}

const aggregates = new WeakMap<IncidentState, Aggregates>();

/** danger at which an item reads as trouble */
export const DANGEROUS = DANGER_CLEAR;

/** 'danger', 'positive' or 'neutral': what a story reads as, from its members so far */
export function storyTone(s: IncidentState): 'danger' | 'positive' | 'neutral' {
  const a = aggregatesOf(s);
  if (a.maxDanger >= DANGEROUS) return 'danger';
  return a.positiveTopics > 0 && a.positiveTopics === a.topics && a.topics === s.members.length ? 'positive' : 'neutral';
}

function lastReposts(m: MemberPost): number {
  return m.history.length ? m.history[m.history.length - 1][1] : 0;
}

/** The incident's running totals, extended with any members added since the last call. */
export function aggregatesOf(s: IncidentState): Aggregates {
  let a = aggregates.get(s);
  if (!a) {
    a = { n: 0, byPk: new Map(), totW: 0, negW: 0, negN: 0, negInt: 0, maxFollowers: 0, sev: 0, sevTerms: new Map(), sources: new Set(), active: new Map(), totalReposts: 0, top: null, trendMembers: [], topics: 0, dangerousTopics: 0, positiveTopics: 0, maxDanger: 0, health: false, official: false };
    aggregates.set(s, a);
  }
  for (; a.n < s.members.length; a.n++) {
    const m = s.members[a.n];
    a.byPk.set(m.pk, m);
    const w = reachWeight(m.followers);
    a.totW += w;
    a.sources.add(m.source);
    if (m.sentiment < 0) { a.negW += w; a.negN++; a.negInt += Math.min(1, -m.sentiment); }
    if (m.sentiment < 0 || m.severity >= 0.5) {
      if (m.severity > a.sev) a.sev = m.severity;
      m.severityTerms.forEach((t, i) => { if (!a!.sevTerms.has(t)) a!.sevTerms.set(t, m.severityTermCategories?.[i] ?? m.severityCategories[0] ?? 'other'); });
    }
    if (m.followers > a.maxFollowers) a.maxFollowers = m.followers;
    if (m.trend) {
      a.trendMembers.push(m);
      a.topics++;
      if ((m.danger ?? 0) >= DANGEROUS) a.dangerousTopics++;
      if (m.positive) a.positiveTopics++;
    }
    if ((m.danger ?? 0) > a.maxDanger) a.maxDanger = m.danger ?? 0;
    if ((m.danger ?? 0) >= DANGEROUS) {
      if (m.dangerHealth) a.health = true;
      if (m.dangerOfficial) a.official = true;
    }
    if (m.isRoot && m.history.length) {
      a.totalReposts += lastReposts(m);
      a.active.set(m.pk, m);
      if (!a.top || lastReposts(m) > lastReposts(a.top)) a.top = m;
    }
  }
  return a;
}

/**
 * Drop the running totals after members were removed or reordered (the desk split posts off, or
 * merged older posts in): the next aggregatesOf rebuilds them from the members.
 */
export function forgetAggregates(s: IncidentState): void {
  aggregates.delete(s);
}

export function memberByPk(s: IncidentState, pk: number): MemberPost | undefined {
  return aggregatesOf(s).byPk.get(pk);
}

/** A new metric snapshot of a member: its history, and the incident's totals. */
export function recordSnapshot(s: IncidentState, m: MemberPost, at: number, reposts: number, comments: number): void {
  const a = aggregatesOf(s);
  const before = lastReposts(m);
  pushHistory(m, at, reposts, comments);
  if (!m.isRoot || !m.history.length) return;
  a.totalReposts += lastReposts(m) - before;
  a.active.set(m.pk, m);
  if (!a.top || lastReposts(m) > lastReposts(a.top)) a.top = m;
}

/** Reposts of all root posts, latest counts. */
export function totalRootReposts(s: IncidentState): number {
  return aggregatesOf(s).totalReposts;
}

/** The most-shared root post (for the forecast and virality). */
export function topRoot(s: IncidentState): MemberPost | null {
  return aggregatesOf(s).top;
}

/** Members added within `windowMs` before `now` (members are appended in time order). */
export function recentMembers(s: IncidentState, now: number, windowMs: number): MemberPost[] {
  const out: MemberPost[] = [];
  for (let i = s.members.length - 1; i >= 0; i--) {
    const m = s.members[i];
    if (now - m.addedAt > windowMs) break;
    if (m.addedAt <= now) out.push(m);
  }
  return out;
}

export function computeFeatures(s: IncidentState, ctx: FeatureContext): IncidentFeatures {
  const a = aggregatesOf(s);
  let rph = 0, cph = 0;
  for (const [pk, m] of a.active) {
    const last = m.history[m.history.length - 1];
    if (!last || ctx.now - last[0] > ctx.velocityWindowMs * 2) { a.active.delete(pk); continue; }
    rph += ratePerHour(m.history, 1, ctx.now, ctx.velocityWindowMs, m.publishedAt);
    cph += ratePerHour(m.history, 2, ctx.now, ctx.velocityWindowMs, m.publishedAt);
  }
  const observedRph = rph;
  // new posts joining the story count like reposts (a repost chain seen as separate posts)
  const newPostsPerHour = (recentMembers(s, ctx.now, ctx.velocityWindowMs).length / ctx.velocityWindowMs) * 3_600_000;
  rph += newPostsPerHour;
  // several severe terms together weigh more than the strongest alone
  const sevScore = Math.min(1, a.sev + 0.05 * Math.max(0, a.sevTerms.size - 1));
  return {
    posts: s.members.length,
    negativePosts: a.negN,
    negativeShare: a.totW ? a.negW / a.totW : 0,
    negativeIntensity: a.negN ? a.negInt / a.negN : 0,
    severity: { score: sevScore, terms: [...a.sevTerms].map(([term, category]) => ({ term, category })) },
    maxFollowers: a.maxFollowers,
    repostsPerHour: rph,
    observedRepostsPerHour: observedRph,
    newPostsPerHour,
    commentsPerHour: cph,
    totalReposts: a.totalReposts,
    forecast: ctx.forecast,
    surprise: ctx.surprise,
    surpriseDetail: ctx.surpriseDetail,
    sources: [...a.sources].sort(),
    coordinatedShare: ctx.coordinatedShare,
    trend: trendState(a.trendMembers, ctx.now),
    virality: ctx.virality,
    headline: { topics: a.topics, dangerousTopics: a.dangerousTopics, positiveTopics: a.positiveTopics, maxDanger: a.maxDanger, health: a.health, official: a.official },
  };
}
