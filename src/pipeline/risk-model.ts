// Explainable incident risk (0-100) and the level it calls for, as a pure function of the
// incident's features and rules/risk.yaml. Every point added comes with a reason a PR manager can
// read ("reposts +340/h, forecast 12k (8k-20k) by tomorrow, 3 sources, severity: 住院 (health)").
import { LEVEL_RANK, type Level } from '../core/alert.js';
import { sourceName } from '../i18n/reason-text.js';
import type { RiskConfig } from '../config/risk-config.js';

export interface IncidentFeatures {
  posts: number;
  negativePosts: number;
  /** reach-weighted share of negative posts, 0..1 */
  negativeShare: number;
  /** mean strength of the negative posts' sentiment, 0..1 */
  negativeIntensity: number;
  severity: { score: number; terms: { term: string; category: string }[] };
  maxFollowers: number;
  /** reposts + comments per hour over the recent window, summed over the incident's root posts */
  repostsPerHour: number;
  /** the part of repostsPerHour that is counted reposts (the rest is new posts joining the story) */
  observedRepostsPerHour?: number;
  newPostsPerHour?: number;
  commentsPerHour: number;
  totalReposts: number;
  forecast: { reposts: number; low: number; high: number; early?: { reposts: number; minutes: number } } | null;
  /** volume anomaly of the topic's negative posts, as -log10 p (0 = as expected) */
  surprise: number;
  surpriseDetail?: { observed: number; expected: number; windowMin: number };
  sources: string[];
  /** share of posts that belong to a coordinated copy burst, 0..1 */
  coordinatedShare: number;
  /** the incident's best position on a hot-search list now */
  trend?: { term: string; rank: number; heat: number; rankGain: number; heatPerHour: number; entered: boolean; source?: string } | null;
  /** engagement of the top post against what its author's reach predicts: score 0..1, ratio observed/expected */
  virality?: { score: number; ratio: number } | null;
  /** what the story's headlines read as: hot-list topics, those that read as trouble or good news, the worst danger */
  headline?: { topics: number; dangerousTopics: number; positiveTopics: number; maxDanger: number; health: boolean; official: boolean };
}

export interface RiskResult {
  risk: number;
  candidate: Level | null;
  urgent: boolean;
  reasons: string[];
  components: Record<string, number>;
}

const sat = (x: number) => Math.max(0, Math.min(1, x));
const logSat = (x: number, full: number) => sat(Math.log10(1 + Math.max(0, x)) / Math.log10(1 + full));

export function fmtCount(n: number): string {
  if (n >= 10_000) return `${(n / 1000).toFixed(0)}k`;
  if (n >= 1000) return `${(n / 1000).toFixed(1).replace(/\.0$/, '')}k`;
  return String(Math.round(n));
}

const CATEGORY_LABEL: Record<string, string> = {
  safety: 'safety/health', health: 'safety/health', legal: 'legal', regulator: 'regulator', mass: 'mass action',
  'mass-action': 'mass action', fraud: 'fraud', privacy: 'privacy', discrimination: 'discrimination', service: 'service failure',
  'service-failure': 'service failure',
};

/** How a reason names the hot list a topic is on (any `*-hot` adapter; Weibo when unknown). */
export function hotListName(source: string | undefined): string {
  if (!source) return sourceName('weibo-hot', 'en');
  const name = sourceName(source, 'en');
  return name !== source ? name : `${source.replace(/-hot$/, '')} hot list`;
}

export function scoreIncident(f: IncidentFeatures, cfg: RiskConfig, horizonLabel = 'by tomorrow'): RiskResult {
  const w = cfg.weights;
  const reasons: string[] = [];
  const c: Record<string, number> = {};
  // negativity gate: reach, velocity and forecast only count when the story is a complaint
  const gate = sat((f.negativeShare - cfg.negative_share_min * 0.5) / (cfg.negative_share_min));
  c.negativity = w.negativity * sat(f.negativeShare) * (0.5 + 0.5 * f.negativeIntensity);
  if (f.negativePosts > 0) reasons.push(`negative ${Math.round(f.negativeShare * 100)}% of ${f.posts} posts`);

  c.severity = w.severity * sat(f.severity.score) * (f.negativePosts > 0 ? 1 : 0.3);
  if (f.severity.terms.length) {
    const byCat = new Map<string, string[]>();
    for (const t of f.severity.terms) byCat.set(t.category, [...(byCat.get(t.category) ?? []), t.term]);
    reasons.push(`severity: ${[...byCat].map(([cat, ts]) => `${[...new Set(ts)].slice(0, 3).join('/')} (${CATEGORY_LABEL[cat] ?? cat})`).join(', ')}`);
  }

  const vel = f.repostsPerHour + 0.5 * f.commentsPerHour;
  c.velocity = w.velocity * logSat(vel, cfg.scales.velocity_full) * gate;
  // rates quote what was counted: reposts of the story's posts, and posts joining it, apart
  const counted = f.observedRepostsPerHour ?? f.repostsPerHour;
  if (counted >= 1) reasons.push(`reposts +${fmtCount(counted)}/h`);
  if ((f.newPostsPerHour ?? 0) >= 2) reasons.push(`${fmtCount(f.newPostsPerHour!)} new posts/h`);

  if (f.forecast) {
    c.forecast = w.forecast * logSat(f.forecast.reposts, cfg.scales.forecast_full) * gate;
    if (f.forecast.early) reasons.push(`too early to forecast: ${fmtCount(f.forecast.early.reposts)} reposts in ${f.forecast.early.minutes} min`);
    else if (f.forecast.reposts >= 10) reasons.push(`forecast ${fmtCount(f.forecast.reposts)} (${fmtCount(f.forecast.low)}–${fmtCount(f.forecast.high)}) ${horizonLabel}`);
  } else c.forecast = 0;

  c.reach = w.reach * logSat(f.maxFollowers, cfg.scales.reach_full) * gate;
  if (f.maxFollowers >= 100_000) reasons.push(`an author with ${fmtCount(f.maxFollowers)} followers`);

  c.novelty = w.novelty * sat(f.surprise / cfg.scales.novelty_full) * gate;
  if (f.surprise >= 3 && f.surpriseDetail) {
    const d = f.surpriseDetail;
    reasons.push(`${d.observed} negative posts in ${d.windowMin >= 60 ? `${d.windowMin / 60} h` : `${d.windowMin} min`} vs ${d.expected.toFixed(1)} expected`);
  }

  c.spread = w.spread * sat((f.sources.length - 1) / 2) * gate;

  if (f.virality && f.virality.score > 0) {
    c.virality = w.virality * f.virality.score * gate;
    if (f.virality.ratio >= 10) reasons.push(`engagement ${fmtCount(f.virality.ratio)}× what the author's reach predicts`);
  } else c.virality = 0;

  if (f.trend) {
    const t = f.trend;
    const pos = t.rank <= 10 ? 1 : t.rank <= 30 ? 0.8 : 0.6;
    const moving = sat(t.rankGain / 20) * 0.5 + sat(t.heatPerHour / 500_000) * 0.5;
    c.trend = w.trend * pos * (0.6 + 0.4 * moving) * Math.max(gate, 0.35);
    reasons.push(`${hotListName(t.source)} #${t.rank}${t.entered ? ' (new)' : t.rankGain > 0 ? ` (up ${t.rankGain})` : ''}${t.heat > 0 ? `, heat ${fmtCount(t.heat)}${t.heatPerHour >= 1000 ? ` +${fmtCount(t.heatPerHour)}/h` : ''}` : ''}`);
  } else c.trend = 0;
  if (f.sources.length >= 2) reasons.push(`${f.sources.length} sources (${f.sources.join(', ')})`);

  let risk = Object.values(c).reduce((a, b) => a + b, 0);
  if (f.coordinatedShare > 0.3) {
    risk *= 1 - (1 - cfg.coordinated_damping) * sat(f.coordinatedShare);
    reasons.push(`damped: ${Math.round(f.coordinatedShare * 100)}% coordinated copies`);
  }
  risk = Math.max(0, Math.min(100, risk));

  const L = cfg.levels;
  let candidate: Level | null = risk >= L.P1 ? 'P1' : risk >= L.P2 ? 'P2' : risk >= L.P3 ? 'P3' : risk >= L.P4 ? 'P4' : null;
  // P1/P2 need evidence that the story spreads (velocity, forecast, volume, platforms); severity
  // and negativity alone top out at P3
  // a place on the hot-search list is reach by definition: it counts double as evidence
  const spreadEvidence = c.velocity + c.forecast + c.novelty + c.spread + c.reach + 2 * c.trend + c.virality;
  if ((candidate === 'P1' || candidate === 'P2') && spreadEvidence < cfg.spread_evidence_min) candidate = 'P3';
  // a severe allegation is never ignored, whatever its reach; nor is a watched term on the hot list
  if (!candidate && f.severity.score >= cfg.severe_alone && f.negativePosts > 0) candidate = 'P4';
  if (!candidate && f.trend) candidate = 'P4';
  let urgent = f.severity.score >= cfg.urgent_severity && f.repostsPerHour >= cfg.urgent_velocity && gate > 0.5;
  // the hot list is reach: a watched name there already has an audience of hundreds of thousands.
  // What the topic says decides: trouble is P2 at once (P1 with several topics, a health hazard or
  // an official action); good news or a neutral mention is never P1/P2 on the list alone.
  if (f.trend) {
    const h = f.headline;
    const onlyTopics = !h || h.topics >= f.posts;
    if (h && h.maxDanger >= cfg.hot_list.danger) {
      const p1 = h.dangerousTopics >= cfg.hot_list.p1_topics || h.health || h.official;
      const level: Level = p1 ? 'P1' : 'P2';
      if (!candidate || LEVEL_RANK[level] < LEVEL_RANK[candidate]) candidate = level;
      risk = Math.max(risk, L[level]);
      urgent = true;
      const why = [h.dangerousTopics >= 2 ? `${h.dangerousTopics} hot-list topics of one story` : '', h.health ? 'a health hazard' : '', h.official ? 'an official action' : ''].filter(Boolean);
      reasons.push(`trouble on the hot list${why.length ? `: ${why.join(', ')}` : ''}`);
    } else if ((onlyTopics || (h && h.topics > 0 && h.positiveTopics === h.topics)) && (candidate === 'P1' || candidate === 'P2')) {
      candidate = 'P3';
      risk = Math.min(risk, L.P2 - 1);
      reasons.push(h && h.positiveTopics ? 'the topic reads as good news: not a crisis' : 'the topic names no trouble: watch');
    }
  }
  return { risk, candidate, urgent, reasons, components: c };
}
