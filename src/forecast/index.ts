// Public API of repost forecasting: forecastReposts() predicts a root post's cumulative reposts at
// publishedAt + horizon, with an 80% interval, from the reposts and count snapshots seen so far
// (SEISMIC self-exciting model with a learned log-linear alpha, constants calibrated per platform by
// cross-validation in scripts/calibrate-forecast.mjs). Pure: the clock is an argument.
import { buildCascade, type CountSnapshot, type RepostSeen } from './cascade-events.js';
import { pickProfile, PROFILES, type ProfileName } from './profiles.js';
import { seismicPredict, type SeismicParams } from './seismic.js';

export type { CountSnapshot, RepostSeen } from './cascade-events.js';
export { ALPHA_FEATURES, type SeismicParams } from './seismic.js';
export { PROFILES, pickProfile, type ProfileName } from './profiles.js';
export { parseDuration } from './duration.js';

export interface ForecastInput {
  /** root post publish time, ms */
  publishedAt: number;
  /** the moment of the forecast (latest observation), ms */
  now: number;
  /** horizon measured from publishedAt, ms */
  horizonMs: number;
  /** platform (twitter, weibo, ...): picks the calibrated constants */
  source: string;
  rootFollowers?: number | null;
  /** reposts seen so far: publish time (ms) and reposter's followers where known */
  reposts: readonly RepostSeen[];
  /** latest metrics.reposts if larger than reposts.length */
  observedCount?: number;
  /** the root's metrics.reposts over time (optional; fills in reposts not seen one by one) */
  snapshots?: readonly CountSnapshot[];
}

export interface ForecastResult {
  reposts: number;
  low: number;
  high: number;
  /** reposts per unit of reach (mean-reposter units) */
  infectiousness?: number;
  /** estimated branching number (capped) */
  branching?: number;
  /** the learned correction applied to the model's future reposts */
  alpha?: number;
  profile?: ProfileName;
}

/** Forecast with explicit constants (calibration and tests); forecastReposts picks them for you. */
export function forecastWithParams(input: ForecastInput, params: SeismicParams, profile?: ProfileName): ForecastResult {
  const now = Math.max(input.now, input.publishedAt);
  const c = buildCascade({ ...input, now, followerExponent: params.followerExponent });
  const nowS = (now - input.publishedAt) / 1000;
  const horizonS = Math.max(0, input.horizonMs / 1000);
  const root = c.rootWeight ?? params.rootWeight;
  const r = seismicPredict(root, c.events, nowS, horizonS, params, c.logMeanReach, utcDayFraction(input.publishedAt));
  return {
    reposts: r.reposts, low: r.low, high: r.high,
    infectiousness: r.infectiousness, branching: r.branching, alpha: r.alpha, profile,
  };
}

/** UTC time of day of a moment (ms), as a fraction of a day in [0, 1). */
export function utcDayFraction(ms: number): number {
  const d = (ms / 86_400_000) % 1;
  return d < 0 ? d + 1 : d;
}

/**
 * Predict a root post's reposts at publishedAt + horizonMs, with an 80% interval (low/high).
 * Counts are rounded to whole reposts and never below what has been seen.
 */
export function forecastReposts(input: ForecastInput): ForecastResult {
  const hasFollowers = input.reposts.some((r) => typeof r.followers === 'number' && r.followers >= 0);
  const profile = pickProfile(input.source, hasFollowers);
  const r = forecastWithParams(input, PROFILES[profile], profile);
  const reposts = Math.round(r.reposts);
  return { ...r, reposts, low: Math.min(reposts, Math.floor(r.low)), high: Math.max(reposts, Math.ceil(r.high)) };
}
