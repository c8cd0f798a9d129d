// Tail probabilities of counts: P(X >= x) for Poisson and negative binomial (Poisson with a
// gamma-distributed rate) counts, computed in log space so tiny p-values keep their magnitude.

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Gamma(x) for x > 0 (Lanczos, ~15 digits). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln P(X = k) for X ~ NegBin with mean mu and shape s (variance mu + mu^2/s). */
function lnNegBinPmf(k: number, mu: number, s: number): number {
  return lnGamma(k + s) - lnGamma(s) - lnGamma(k + 1) + s * Math.log(s / (s + mu)) + k * Math.log(mu / (s + mu));
}

function lnPoissonPmf(k: number, mu: number): number {
  return k * Math.log(mu) - mu - lnGamma(k + 1);
}

/**
 * P(X >= x) for a count with mean mu: negative binomial with shape s, or Poisson when s is
 * Infinity. x is rounded to the nearest integer. Sums the upper tail directly when x is above the
 * mean, so results down to ~1e-300 are accurate.
 */
export function countTail(x: number, mu: number, s = Number.POSITIVE_INFINITY): number {
  const k0 = Math.round(x);
  if (k0 <= 0) return 1;
  if (!(mu > 0)) return 0;
  const poisson = !Number.isFinite(s) || s > 1e8;
  const lnPmf = poisson ? (k: number) => lnPoissonPmf(k, mu) : (k: number) => lnNegBinPmf(k, mu, s);
  // Successive pmf ratio: Poisson mu/(k+1); NegBin (k+s)/(k+1) * mu/(mu+s).
  const ratio = poisson ? (k: number) => mu / (k + 1) : (k: number) => ((k + s) / (k + 1)) * (mu / (mu + s));
  if (k0 <= mu) {
    let term = Math.exp(lnPmf(0));
    let below = 0;
    for (let k = 0; k < k0; k++) {
      below += term;
      term *= ratio(k);
    }
    return Math.min(1, Math.max(0, 1 - below));
  }
  const first = lnPmf(k0);
  let sum = 1;
  let term = 1;
  for (let k = k0; k < k0 + 100_000; k++) {
    term *= ratio(k);
    sum += term;
    if (term < 1e-16 * sum) break;
  }
  return Math.min(1, Math.exp(first + Math.log(sum)));
}
