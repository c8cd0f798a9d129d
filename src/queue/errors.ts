// Errors of the crawl queue. A QueueUnavailableError is Redis (or the monitor's ingest API) being
// out of reach: the job is retried later, and the source is not blamed for it. A
// PermanentDeliveryError (the ingest API refusing the token or the batch) fails the job at once:
// sending the same request again cannot help.

export class QueueUnavailableError extends Error {
  override name = 'QueueUnavailableError';
}

export class PermanentDeliveryError extends Error {
  override name = 'PermanentDeliveryError';
}

/** Reject with QueueUnavailableError when `p` has not settled within `ms` (the promise itself keeps running). */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QueueUnavailableError(`${what}: no answer from Redis within ${ms} ms`)), ms);
    timer.unref?.();
  });
  p.catch(() => undefined); // a late rejection after the timeout is not unhandled
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
