// Is the negative share of a topic's posts unusually high right now? A binomial tail test of the
// window's negative count against the topic's own earlier share (with a Beta prior), used to tell
// a slow burn of complaints from an ordinary busy afternoon. Pure.

/** log10 of P(X >= k) for X ~ Binomial(n, p), computed in log space. */
export function binomialTailLog10(k: number, n: number, p: number): number {
  if (k <= 0) return 0;
  if (k > n) return -Infinity;
  p = Math.min(Math.max(p, 1e-9), 1 - 1e-9);
  const lp = Math.log(p), lq = Math.log(1 - p);
  // log C(n, i) via lgamma-free running sum
  let logC = 0;
  for (let i = 1; i <= k; i++) logC += Math.log((n - i + 1) / i);
  let maxTerm = -Infinity;
  const terms: number[] = [];
  for (let i = k; i <= n; i++) {
    const t = logC + i * lp + (n - i) * lq;
    terms.push(t);
    if (t > maxTerm) maxTerm = t;
    logC += Math.log((n - i) / (i + 1));
  }
  let sum = 0;
  for (const t of terms) sum += Math.exp(t - maxTerm);
  return (maxTerm + Math.log(sum)) / Math.LN10;
}

export interface ShareWindow { negative: number; total: number }

/**
 * Surprise (-log10 p) of `window` given the counts seen before it. The prior (Beta with mean
 * `priorShare` and weight `priorWeight` posts) keeps thin histories from over-reacting.
 */
export function negativeShareSurprise(window: ShareWindow, before: ShareWindow, priorShare = 0.35, priorWeight = 20): number {
  if (window.total <= 0) return 0;
  const p0 = (before.negative + priorShare * priorWeight) / (before.total + priorWeight);
  return Math.max(0, -binomialTailLog10(window.negative, window.total, p0));
}
