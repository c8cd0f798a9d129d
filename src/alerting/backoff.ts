// Retry timing for transient delivery failures: exponential backoff with jitter, capped, honouring
// a vendor's Retry-After (itself capped), and a give-up point (the delivery's max age).

export interface BackoffPolicy { initialBackoffMs: number; maxBackoffMs: number }

/** Delay before attempt `attempts + 1` (attempts already made >= 1). `rand` in [0, 1). */
export function backoffDelay(p: BackoffPolicy, attempts: number, rand: number, retryAfterMs?: number): number {
  const exp = Math.min(p.maxBackoffMs, p.initialBackoffMs * 2 ** Math.max(0, attempts - 1));
  const jittered = exp / 2 + (exp / 2) * rand; // "equal jitter": between half and the full step
  const wanted = retryAfterMs !== undefined ? Math.max(jittered, Math.min(retryAfterMs, p.maxBackoffMs)) : jittered;
  return Math.max(1, Math.round(wanted));
}
