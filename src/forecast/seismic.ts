// The SEISMIC estimator (Zhao et al., KDD 2015) on a cascade that has been turned into weighted
// events: infectiousness from what has happened so far, then the expected reposts by a horizon
// with the branching correction, and a log-normal predictive interval. Pure and O(n).
//
//   p   = (R + a) / (sum_i w_i Phi(t - t_i) + a / p0)          infectiousness (Bayes-shrunk)
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

/**
 * Predict the cumulative reposts at `horizon` seconds after publication, seen at `now` seconds.
 * `root` is the weight of the original post (its reach), `events` the reposts seen up to now.
 */
export function seismicPredict(root: number, events: readonly CascadeEvent[], now: number, horizon: number, p: SeismicParams): SeismicResult {
  const k = p.kernel;
  let observed = 0;
  let atHorizon = 0; // reposts already seen that happened by the horizon (when horizon < now)
  let exposure = root * kernelCdf(now, k);
  let future = root * (kernelCdf(horizon, k) - kernelCdf(now, k));
  for (const e of events) {
    if (e.t > now) continue;
    observed += e.m;
    if (e.t <= horizon) atHorizon += e.m;
    const done = kernelCdf(now - e.t, k);
    exposure += e.m * e.w * done;
    if (horizon > now) future += e.m * e.w * (kernelCdf(horizon - e.t, k) - done);
  }
  const infectiousness = (observed + p.priorEvents) / (exposure + p.priorEvents / p.priorInfectiousness);
  if (horizon <= now) {
    return { reposts: atHorizon, low: atHorizon, high: atHorizon, infectiousness, branching: 0, observed };
  }
  const branching = Math.min(p.gamma * infectiousness, p.maxBranching);
  const more = (p.alpha * infectiousness * Math.max(future, 0)) / (1 - branching);
  // Log-normal interval on the future reposts: model error plus the counting noise of the
  // infectiousness estimate and of the future reposts themselves, both amplified by the branching.
  const amp = 1 / (1 - branching);
  const sd = Math.sqrt(p.sigma * p.sigma + (1 / (observed + p.priorEvents) + 1 / (more + 1)) * amp * amp);
  const low = observed + Math.max(0, (more + 1) * Math.exp(-Z80 * sd) - 1);
  const high = observed + (more + 1) * Math.exp(Z80 * sd) - 1;
  return { reposts: observed + more, low, high, infectiousness, branching, observed };
}
