// Exponential backoff with full jitter, capped, and never shorter than a server's Retry-After.

export interface BackoffOptions { baseMs?: number; maxMs?: number; random?: () => number }

export function backoffDelay(attempt: number, retryAfterMs: number | null, o: BackoffOptions = {}): number {
  const base = o.baseMs ?? 500, max = o.maxMs ?? 60_000;
  const exp = Math.min(max, base * 2 ** Math.max(0, attempt));
  const jittered = exp / 2 + (o.random ?? Math.random)() * (exp / 2);
  return Math.round(Math.max(jittered, Math.min(retryAfterMs ?? 0, 10 * max)));
}
