// Crawl error classes, and the one function that decides what a failure means for the runner
// (retry with backoff, retire the session, or give up). Callers branch on the class, never on text.

/** Base class of every error the crawler raises on purpose. */
export class CrawlError extends Error {
  override name = 'CrawlError';
  constructor(message: string, readonly url?: string) {
    super(message);
  }
}

/** Connect, response or total timeout, or a dropped connection: worth another try. */
export class NetworkError extends CrawlError {
  override name = 'NetworkError';
  constructor(message: string, url?: string, readonly phase: 'connect' | 'response' | 'total' | 'socket' = 'socket') {
    super(message, url);
  }
}

/** A non-2xx answer. 408, 429 and 5xx are retried (honouring Retry-After); others are not. */
export class HttpStatusError extends CrawlError {
  override name = 'HttpStatusError';
  constructor(readonly status: number, url?: string, readonly retryAfterMs: number | null = null) {
    super(`HTTP ${status}${url ? ` from ${url}` : ''}`, url);
  }
  get retryable(): boolean {
    return this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** The site refused our session (Weibo ok:-100, 403, 418, 432, a login wall): retire the cookie jar. */
export class BlockedError extends CrawlError {
  override name = 'BlockedError';
  constructor(message: string, url?: string, readonly status?: number) {
    super(message, url);
  }
}

/**
 * A captcha or login wall: a person has to act before this session is worth using again. An
 * account pool pauses the account on a captcha (until someone resumes it) and retires it on a
 * login page (account-pool.ts blockOf); without a pool it is a blocked run like any other.
 */
export class ChallengeError extends BlockedError {
  override name = 'ChallengeError';
  constructor(readonly kind: 'captcha' | 'login', message: string, url?: string) {
    super(message, url);
  }
}

/** Body larger than the limit (compressed or after decompression: a decompression bomb). */
export class ResponseTooLargeError extends CrawlError {
  override name = 'ResponseTooLargeError';
}

/** Too many redirects, or a redirect back to a URL already visited. */
export class RedirectLoopError extends CrawlError {
  override name = 'RedirectLoopError';
}

/** robots.txt forbids this URL for our User-Agent. */
export class RobotsDisallowedError extends CrawlError {
  override name = 'RobotsDisallowedError';
}

/** The page could not be understood (broken JSON, unexpected shape). Parsers throw only this. */
export class ParseError extends CrawlError {
  override name = 'ParseError';
}

/** The adapter cannot handle this URL or lacks required config (cookie, selectors). */
export class AdapterConfigError extends CrawlError {
  override name = 'AdapterConfigError';
}

export type FailureAction = 'retry' | 'retire-session' | 'give-up';

/** The single place that maps an error to what the runner does next. */
export function failureAction(e: unknown): FailureAction {
  if (e instanceof BlockedError) return 'retire-session';
  if (e instanceof NetworkError) return 'retry';
  if (e instanceof HttpStatusError) return e.retryable ? 'retry' : 'give-up';
  return 'give-up';
}

/** Retry-After header (seconds or an HTTP date) as milliseconds from `now`, or null. */
export function parseRetryAfter(value: string | undefined | null, now: Date): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  if (Number.isNaN(t)) return null;
  return Math.max(0, t - now.getTime());
}
