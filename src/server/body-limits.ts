// How much of a request body each endpoint reads, and the 413 answer that says so. One large
// body must not hold the event loop (and every other reader) for seconds, so ingest is bounded
// per request and big batches are split by the client.
export const INGEST_MAX_BYTES = 5 * 1024 * 1024;
export const JSON_MAX_BYTES = 2 * 1024 * 1024;

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) ? 1 : 0)} MB`;

/** The 413 body for a body-parser "entity too large" error, or null for any other error. */
export function bodyTooLarge(err: unknown): { error: string; hint: string } | null {
  const e = err as { type?: unknown; limit?: unknown; length?: unknown };
  if (!e || e.type !== 'entity.too.large') return null;
  const limit = typeof e.limit === 'number' ? e.limit : null;
  const length = typeof e.length === 'number' && Number.isFinite(e.length) ? e.length : null;
  return {
    error: `request body too large${length ? ` (${mb(length)})` : ''}: this endpoint reads at most ${limit ? mb(limit) : 'a bounded size'}`,
    hint: limit === INGEST_MAX_BYTES
      ? `split the observations into several requests of at most ${mb(INGEST_MAX_BYTES)} each (about 5,000 observations)`
      : 'send a smaller body',
  };
}
