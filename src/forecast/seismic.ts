// The SEISMIC estimator (Zhao et al., KDD 2015) on a cascade turned into weighted events, with a
// learned log-linear correction of its alpha. Pure and O(n) per call. Times are in seconds.
//
//   K_t(s)  = 1 - s / w on [0, w), w = clamp(t / 2, minWindow, maxWindow)   (triangular kernel)
//   p_t     = (sum_{t_i in (t-w, t]} K_t(t - t_i) + a)
//             / (sum_i n_i integral_{t-w}^{t} K_t(t - s) phi(s - t_i) ds + a / p0)
//                 infectiousness over a local window, root included in the exposure (Bayes-shrunk
//                 towards p0 with `a` pseudo-reposts so 0 reposts still gives a finite estimate)
//   N^e_t   = sum_i n_i (Phi(T - t_i) - Phi(t - t_i))   exposure still to come by the horizon T
//   F       = p_t N^e_t / (1 - min(gamma p_t n*, cap))  direct future reposts + later generations
//   N_T     = R_t + alpha F,  log alpha = c . [1, log((F+1)/(R_t+1)), log(t / 1 h), log10 nbar, sin, cos]
//
// n_i is a node's reach in units of the mean reposter ((followers+1)^beta / mean over the reposters
// seen, or 1 when followers are unknown), so n* = 1. SEISMIC lets alpha and gamma vary linearly in
// log t; here alpha is also allowed to depend on how far the model extrapolates (F / R), on the
// absolute reach level of the reposters (log10 nbar, nbar = mean (followers+1)^beta) and on the
// UTC time of day of publication (sin, cos: the daily cycle of TiDeH, Kobayashi & Lambiotte 2016).
// The coefficients c are fitted by least squares on log(actual / predicted future) over training
// cascades (scripts/calibrate-forecast.mjs) and checked by cross-validation.
import { kernelCdf, kernelHeight, type KernelParams } from './kernel.js';

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
  /** reach = (followers + 1)^followerExponent (1 = the paper's linear reach) */
  followerExponent: number;
  /** bounds of the triangular window w = clamp(t/2, minWindow, maxWindow), seconds (paper: 300, 7200) */
  minWindow: number;
  maxWindow: number;
  /** scales the branching number p n* in the later-generation term (SEISMIC's gamma) */
  gamma: number;
  /** cap on gamma * p * n* so the later-generation factor stays finite (supercritical cascades) */
  maxBranching: number;
  /** root's reach (mean-reposter units) when its follower count is unknown */
  rootWeight: number;
  /** pseudo-reposts of the infectiousness prior */
  priorEvents: number;
  /** prior infectiousness (reposts per unit of reach) */
  priorInfectiousness: number;
  /** coefficients of log alpha on ALPHA_FEATURES (all 0: alpha = 1, the plain model) */
  alphaCoef: readonly number[];
  /** standard deviation of the log error of the future reposts not explained by counting noise */
  sigma: number;
  /** logMeanReach is clamped to this range (what the fit saw) so alpha never extrapolates far */
  reachRange?: readonly [number, number];
}

/** Names of the regressors of log alpha, in the order of SeismicParams.alphaCoef. */
export const ALPHA_FEATURES = ['intercept', 'logExtrapolation', 'logAgeHours', 'logMeanReach', 'daySin', 'dayCos'] as const;

export interface SeismicFeatures {
  /** reposts seen up to now */
  observed: number;
  /** of those, how many happened by the horizon (matters only when the horizon has passed) */
  atHorizon: number;
  /** reposts weighted by the triangular kernel (the numerator of p) */
  windowCount: number;
  /** sum of the squared weights (its Poisson variance) */
  windowSq: number;
  /** p_t: reposts per unit of reach */
  infectiousness: number;
  /** capped gamma p n* */
  branching: number;
  /** F: model future reposts by the horizon, before alpha */
  future: number;
  /** regressors of log alpha (ALPHA_FEATURES) */
  x: number[];
}

export interface SeismicResult {
  /** median prediction of the cumulative reposts at the horizon */
  reposts: number;
  /** 80% interval */
  low: number;
  high: number;
  infectiousness: number;
  branching: number;
  observed: number;
  alpha: number;
}

const Z80 = 1.2815515655446004; // standard normal 90% quantile: two-sided 80% interval

/**
 * Everything SEISMIC computes before alpha: O(n). `root` is the root's reach, `now` and `horizon`
 * seconds since publication, `logMeanReach` log10 of the reposters' mean reach (0 if unknown) and
 * `dayFraction` the UTC time of day of publication in [0, 1).
 */
export function seismicFeatures(
  events: readonly CascadeEvent[], root: number, now: number, horizon: number,
  logMeanReach: number, dayFraction: number, p: SeismicParams,
): SeismicFeatures {
  const k = p.kernel;
  const w = Math.min(Math.max(now / 2, p.minWindow), p.maxWindow);
  // Kernel CDF Phi(s) and first moment M(s) with one pow() per argument (hot loop: replay calls
  // this on every update). M(s) = c s^2/2 on the head, c s0^2/2 + c s0^(1+th) (s^(1-th) - s0^(1-th))/(1-th) after.
  const { s0, theta } = k;
  const c = kernelHeight(k);
  const head = c * s0, tailScale = head / theta, mHead = (c * s0 * s0) / 2;
  const oneMinus = 1 - theta, mScale = (c * s0 * s0) / oneMinus; // c s0^(1+th) s0^(1-th) / (1-th)
  let cdf = 0, mom = 0;
  const both = (x: number): void => {
    if (x <= 0) { cdf = 0; mom = 0; return; }
    if (x <= s0) { cdf = c * x; mom = (c * x * x) / 2; return; }
    const q = Math.pow(x / s0, -theta);
    cdf = head + tailScale * (1 - q);
    mom = Math.abs(oneMinus) < 1e-9 ? mHead + c * s0 * s0 * Math.log(x / s0) : mHead + mScale * ((x / s0) * q - 1);
  };
  let observed = 0, atHorizon = 0, windowCount = 0, windowSq = 0, exposure = 0, futureExposure = 0;
  const pastHorizon = horizon <= now;
  const node = (ti: number, weight: number): void => {
    const b = now - ti;
    if (b <= 0) return;
    both(b);
    const cb = cdf, mb = mom;
    let ca = 0, ma = 0;
    if (b > w) { both(b - w); ca = cdf; ma = mom; }
    exposure += weight * ((1 - b / w) * (cb - ca) + (mb - ma) / w);
    if (!pastHorizon) futureExposure += weight * (kernelCdf(horizon - ti, k) - cb);
  };
  for (const e of events) {
    if (e.t > now) continue;
    observed += e.m;
    if (e.t <= horizon) atHorizon += e.m;
    if (e.t > now - w) { const kw = 1 - (now - e.t) / w; windowCount += e.m * kw; windowSq += e.m * kw * kw; }
    node(e.t, e.m * e.w);
  }
  node(0, root);
  const infectiousness = (windowCount + p.priorEvents) / (exposure + p.priorEvents / p.priorInfectiousness);
  const branching = Math.min(p.gamma * infectiousness, p.maxBranching); // n* = 1 in mean-reposter units
  const future = (infectiousness * futureExposure) / (1 - branching);
  const angle = 2 * Math.PI * dayFraction;
  if (p.reachRange) logMeanReach = Math.min(Math.max(logMeanReach, p.reachRange[0]), p.reachRange[1]);
  const x = [1, Math.log((future + 1) / (observed + 1)), Math.log(Math.max(now, 60) / 3600), logMeanReach, Math.sin(angle), Math.cos(angle)];
  return { observed, atHorizon, windowCount, windowSq, infectiousness, branching, future, x };
}

/** alpha, the prediction and its log-normal 80% interval from the features. */
export function predictFromFeatures(f: SeismicFeatures, horizonPassed: boolean, p: SeismicParams): SeismicResult {
  const { observed, infectiousness, branching } = f;
  if (horizonPassed) {
    return { reposts: f.atHorizon, low: f.atHorizon, high: f.atHorizon, infectiousness, branching, observed, alpha: 1 };
  }
  let logAlpha = 0;
  for (let i = 0; i < p.alphaCoef.length && i < f.x.length; i++) logAlpha += p.alphaCoef[i] * f.x[i];
  const alpha = Math.exp(Math.max(-5, Math.min(5, logAlpha)));
  const more = alpha * f.future;
  // Log-normal interval on the future reposts: model error plus the counting noise of the
  // infectiousness estimate and of the future reposts themselves, amplified by the branching.
  const amp = 1 / (1 - branching);
  const relVarP = (f.windowSq + p.priorEvents) / ((f.windowCount + p.priorEvents) ** 2);
  const sd = Math.sqrt(p.sigma * p.sigma + relVarP * amp * amp + 1 / (more + 1));
  const low = observed + Math.max(0, (more + 1) * Math.exp(-Z80 * sd) - 1);
  const high = observed + (more + 1) * Math.exp(Z80 * sd) - 1;
  return { reposts: observed + more, low, high, infectiousness, branching, observed, alpha };
}

/** Predict the cumulative reposts at `horizon` seconds after publication, seen at `now` seconds. */
export function seismicPredict(
  root: number, events: readonly CascadeEvent[], now: number, horizon: number, p: SeismicParams,
  logMeanReach = 0, dayFraction = 0,
): SeismicResult {
  return predictFromFeatures(seismicFeatures(events, root, now, horizon, logMeanReach, dayFraction, p), horizon <= now, p);
}
