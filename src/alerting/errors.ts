// Delivery error classes. The class decides what the outbox does next: a transient error is
// retried with backoff (until the delivery's max age), a permanent one is never retried and
// falls back to email. Callers branch on the class, never on the message.

export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(message: string, readonly statusCode?: number, readonly vendorCode?: string | number) {
    super(message);
  }
}

/** Worth another try: network errors, timeouts, 408, 429, 5xx, vendor rate-limit codes. */
export class TransientDeliveryError extends DeliveryError {
  override name = 'TransientDeliveryError';
  constructor(message: string, statusCode?: number, vendorCode?: string | number, readonly retryAfterMs?: number) {
    super(message, statusCode, vendorCode);
  }
}

/** Never retried: other 4xx, bad signature or keyword, invalid config, revoked webhook. */
export class PermanentDeliveryError extends DeliveryError {
  override name = 'PermanentDeliveryError';
}
