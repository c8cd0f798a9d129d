// The SEISMIC estimator (Zhao et al., KDD 2015) on a cascade that has been turned into weighted
// events: infectiousness from what has happened so far, then the expected reposts by a horizon
// with the branching correction, and a log-normal predictive interval. Pure and O(n).
//
//   p   = (R_w + a) / (sum_i w_i [Phi(t - t_i) - Phi(t - w - t_i)] + a / p0)
//                            infectiousness over the recent window w (Bayes-shrunk towards p0)
//   F   = alpha * p * sum_i w_i (Phi(T - t_i) - Phi(t - t_i))   direct future reposts of the
//                                                               root and of the reposts seen so far
//   N_T = R + F / (1 - min(gamma * p * n*, cap))                 + later generations
//
// w_i is a node's reach in units of the mean reposter (followers / mean reposter followers, or 1
// when followers are unknown), so n* = 1 and p * n* is the branching number of a typical repost.
import { kernelCdf, type KernelParams } from './kernel.js';

/** One or more reposts (or the root) at the same moment with the same reach. */
export interface CascadeEvent {
  /** seconds since the root was published */
  t: number;
  /** reach of each of these nodes, in units of the mean reposter */
  w: number;
  /** how many nodes (1 for a single repost; more for reposts known only from a count snapshot) */
  m: number;
}

export interface SeismicParams {
  kernel: KernelParams;
  /** multiplies the expected direct future reposts (SEISMIC's alpha) */
  alpha: number;
  /** scales the branching number in the later-generation term (SEISMIC's gamma) */
  gamma: number;
  /** cap on gamma * p so the later-generation factor stays finite (supercritical cascades) */
  maxBranching: number;
  /** root's reach (mean-reposter units) when its follower count is unknown */
  rootWeight: number;
  /** pseudo-reposts of the infectiousness prior */
  priorEvents: number;
  /** prior infectiousness (reposts per unit of reach) */
  priorInfectiousness: number;
  /** standard deviation of the log error of the future reposts not explained by counting noise */
  sigma: number;
  /**
   * Infectiousness is estimated over the most recent `windowFraction` of the post's age (SEISMIC's
   * time-local estimate: a cascade that is speeding up or slowing down shows it there); 1 = all.
   */
  windowFraction: number;
}

export interface SeismicResult {
  /** median prediction of the cumulative reposts at the horizon */
  reposts: number;
  /** 80% interval */
  low: number;
  high: number;
  /** p: reposts per unit of reach (mean-reposter units) */
  infectiousness: number;
  /** gamma * p * n*, capped: the estimated branching number of the cascade */
  branching: number;
  /** reposts observed so far (events up to now) */
  observed: number;
}

const Z80 = 1.2815515655446004; // standard normal 90% quantile: two-sided 80% interval

/** The kernel-weighted sums SEISMIC needs; linear in the root's weight, so calibration reuses them. */
export interface CascadeSums {
  /** reposts seen up to now */
  observed: number;
  /** of those, how many happened by the horizon (matters only when the horizon has passed) */
  atHorizon: number;
  /** sum_i w_i Phi(now - t_i) over the reposts (root excluded) */
  exposure: number;
  /** sum_i w_i (Phi(T - t_i) - Phi(now - t_i)) over the reposts (root excluded) */
  future: number;
  /** the root's Phi(now) and Phi(T) - Phi(now) */
  rootExposure: number;
  rootFuture: number;
  /** the same counts over the recent window (now - windowFraction * now, now] */
  recentObserved: number;
  recentExposure: number;
  rootRecentExposure: number;
}

export function cascadeSums(events: readonly CascadeEvent[], now: number, horizon: number, k: KernelParams, windowFraction = 1): CascadeSums {
  let observed = 0, atHorizon = 0, exposure = 0, future = 0, recentObserved = 0, recentExposure = 0;
  const from = now * (1 - windowFraction);
  for (const e of events) {
    if (e.t > now) continue;
    observed += e.m;
    if (e.t <= horizon) atHorizon += e.m;
    const done = kernelCdf(now - e.t, k);
    const mw = e.m * e.w;
    exposure += mw * done;
    if (e.t > from) { recentObserved += e.m; recentExposure += mw * done; }
    else recentExposure += mw * (done - kernelCdf(from - e.t, k));
    if (horizon > now) future += mw * (kernelCdf(horizon - e.t, k) - done);
  }
  const rootExposure = kernelCdf(now, k);
  const rootFuture = horizon > now ? kernelCdf(horizon, k) - rootExposure : 0;
  const rootRecentExposure = rootExposure - kernelCdf(from, k);
  return { observed, atHorizon, exposure, future, rootExposure, rootFuture, recentObserved, recentExposure, rootRecentExposure };
}

/** SEISMIC prediction from precomputed sums and the root's weight. */
export function predictFromSums(s: CascadeSums, root: number, horizonPassed: boolean, p: SeismicParams): SeismicResult {
  const { observed } = s;
  const exposure = s.recentExposure + root * s.rootRecentExposure;
  const future = s.future + root * s.rootFuture;
  const infectiousness = (s.recentObserved + p.priorEvents) / (exposure + p.priorEvents / p.priorInfectiousness);
  if (horizonPassed) {
    return { reposts: s.atHorizon, low: s.atHorizon, high: s.atHorizon, infectiousness, branching: 0, observed };
  }
  const branching = Math.min(p.gamma * infectiousness, p.maxBranching);
  const more = (p.alpha * infectiousness * Math.max(future, 0)) / (1 - branching);
  // Log-normal interval on the future reposts: model error plus the counting noise of the
  // infectiousness estimate and of the future reposts themselves, both amplified by the branching.
  const amp = 1 / (1 - branching);
  const sd = Math.sqrt(p.sigma * p.sigma + (1 / (s.recentObserved + p.priorEvents) + 1 / (more + 1)) * amp * amp);
  const low = observed + Math.max(0, (more + 1) * Math.exp(-Z80 * sd) - 1);
  const high = observed + (more + 1) * Math.exp(Z80 * sd) - 1;
  return { reposts: observed + more, low, high, infectiousness, branching, observed };
}

/**
 * Predict the cumulative reposts at `horizon` seconds after publication, seen at `now` seconds.
 * `root` is the weight of the original post (its reach), `events` the reposts seen up to now.
 */
export function seismicPredict(root: number, events: readonly CascadeEvent[], now: number, horizon: number, p: SeismicParams): SeismicResult {
  return predictFromSums(cascadeSums(events, now, horizon, p.kernel, p.windowFraction), root, horizon <= now, p);
}
