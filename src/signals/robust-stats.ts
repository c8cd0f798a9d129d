// Small robust statistics for baselines: median, MAD, and a Poisson-aware winsorized mean that
// keeps a few burst hours from inflating what "normal" looks like.

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median absolute deviation (unscaled). */
export function mad(xs: readonly number[], med = median(xs)): number {
  return median(xs.map((x) => Math.abs(x - med)));
}

/**
 * Mean after capping each value at median + max(3 * 1.4826 * MAD, 3 * sqrt(median + 1)): the
 * sqrt term keeps sparse count series (median 0 or 1) from treating every non-zero as an outlier.
 */
export function winsorizedMean(xs: readonly number[]): { mean: number; cap: number } {
  if (xs.length === 0) return { mean: 0, cap: 0 };
  const med = median(xs);
  const cap = med + Math.max(3 * 1.4826 * mad(xs, med), 3 * Math.sqrt(med + 1));
  let sum = 0;
  for (const x of xs) sum += Math.min(x, cap);
  return { mean: sum / xs.length, cap };
}
