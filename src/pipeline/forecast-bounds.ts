// Keeps the repost forecast shown to a person believable. Cascades slow down: a post's remaining
// reposts are bounded by its current rate times a multiple of its age (a power-law decay of the
// rate with exponent ~1.2, as real Weibo and Twitter cascades show, leaves about 2.3x the age at the
// current rate). A post only minutes old, or seen in fewer than three snapshots, has told too
// little: the forecast is flagged early and stays within that bound instead of extrapolating a
// steep start over a whole day. Pure.

export interface ShownForecast { reposts: number; low: number; high: number; early?: { reposts: number; minutes: number } }

/** below this age or snapshot count, the forecast is flagged as early */
export const EARLY_AGE_MS = 15 * 60_000;
const EARLY_SNAPSHOTS = 3;
/** remaining reposts <= current rate x this multiple of the age (central) and the next (high) */
const CENTRAL_AGE_MULTIPLE = 2;
const HIGH_AGE_MULTIPLE = 3;

/** Current repost rate per ms from the last snapshots (over at least a fifth of the post's age). */
function currentRate(history: readonly [number, number, number][], publishedAt: number, now: number): number {
  const last = history[history.length - 1];
  const age = Math.max(now - publishedAt, 1);
  let base: [number, number, number] | null = null;
  for (let i = history.length - 2; i >= 0; i--) {
    base = history[i];
    if (last[0] - history[i][0] >= age / 5) break;
  }
  if (!base || last[0] <= base[0]) return last[1] / age;
  return Math.max(0, (last[1] - base[1]) / (last[0] - base[0]));
}

export function boundForecast(f: { reposts: number; low: number; high: number }, history: readonly [number, number, number][], publishedAt: number, now: number): ShownForecast {
  if (!history.length) return f;
  const observed = history[history.length - 1][1];
  const age = Math.max(now - publishedAt, 60_000);
  const rate = currentRate(history, publishedAt, now);
  const central = observed + rate * CENTRAL_AGE_MULTIPLE * age;
  const high = Math.max(central, observed + rate * HIGH_AGE_MULTIPLE * age);
  const reposts = Math.max(observed, Math.min(f.reposts, central));
  const out: ShownForecast = { reposts, low: Math.max(observed, Math.min(f.low, reposts)), high: Math.max(reposts, Math.min(f.high, high)) };
  if (now - publishedAt < EARLY_AGE_MS || history.length < EARLY_SNAPSHOTS) out.early = { reposts: observed, minutes: Math.max(1, Math.round((now - publishedAt) / 60_000)) };
  return out;
}
