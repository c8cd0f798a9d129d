// Signed, expiring one-click acknowledge links. Token = base64url(incidentId "." expiry seconds)
// "." base64url(HMAC-SHA256(secret, that payload)). The token is the authority: no session needed.
import { createHmac, timingSafeEqual } from 'node:crypto';

export class AckTokenError extends Error {
  override name = 'AckTokenError';
  constructor(message: string, readonly reason: 'malformed' | 'bad-signature' | 'expired') { super(message); }
}

function mac(payload: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(`flarewatch-ack\n${payload}`).digest();
}

export function signAckToken(incidentId: string, expiresAt: Date, secret: string): string {
  const payload = `${incidentId}.${Math.floor(expiresAt.getTime() / 1000)}`;
  return `${Buffer.from(payload, 'utf8').toString('base64url')}.${mac(payload, secret).toString('base64url')}`;
}

/** The incident id and expiry of a valid token; throws AckTokenError otherwise. */
export function verifyAckToken(token: string, secret: string, now: Date): { incidentId: string; expiresAt: Date } {
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new AckTokenError('malformed acknowledge link', 'malformed');
  const payload = Buffer.from(parts[0], 'base64url').toString('utf8');
  const m = /^(.+)\.(\d{1,12})$/.exec(payload);
  if (!m) throw new AckTokenError('malformed acknowledge link', 'malformed');
  const given = Buffer.from(parts[1], 'base64url');
  const want = mac(payload, secret);
  if (given.length !== want.length || !timingSafeEqual(given, want)) throw new AckTokenError('acknowledge link signature is not valid', 'bad-signature');
  const expiresAt = new Date(Number(m[2]) * 1000);
  if (expiresAt.getTime() <= now.getTime()) throw new AckTokenError(`acknowledge link expired at ${expiresAt.toISOString()}`, 'expired');
  return { incidentId: m[1], expiresAt };
}
