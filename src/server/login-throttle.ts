// Slows password guessing at POST /api/v1/session. Failed sign-ins are counted in fixed windows
// per client address (across user names: password spraying), per user name (across addresses:
// a distributed guess at one account) and per address+name; over any limit the sign-in is refused
// with 429 before the password is checked. Successful sign-ins cost nothing, so a busy office
// behind one address is not slowed by its own logins. The address is the socket's unless
// FLAREWATCH_TRUST_PROXY names a proxy (src/server/trust-proxy.ts).

export interface LoginThrottleOptions {
  windowMs?: number;
  /** failed attempts per client address, any user names (default 20) */
  perAddress?: number;
  /** failed attempts per user name, any addresses (default 10) */
  perUser?: number;
  /** failed attempts per address and user name (default 5) */
  perPair?: number;
  now: () => Date;
}

interface Window { start: number; n: number }

export class LoginThrottle {
  private readonly windows = new Map<string, Window>();
  private readonly windowMs: number;
  private readonly limits: { address: number; user: number; pair: number };

  constructor(private readonly opts: LoginThrottleOptions) {
    this.windowMs = opts.windowMs ?? 15 * 60_000;
    this.limits = { address: opts.perAddress ?? 20, user: opts.perUser ?? 10, pair: opts.perPair ?? 5 };
  }

  private keys(address: string, username: string): [string, number][] {
    const user = username.slice(0, 200);
    return [[`a|${address}`, this.limits.address], [`u|${user}`, this.limits.user], [`p|${address}|${user}`, this.limits.pair]];
  }

  /** Seconds to wait when any limit is used up, else null. */
  blocked(address: string, username: string): { retryAfterSeconds: number; reason: string } | null {
    const now = this.opts.now().getTime();
    let worst: { retryAfterSeconds: number; reason: string } | null = null;
    for (const [key, max] of this.keys(address, username)) {
      const w = this.windows.get(key);
      if (!w || now - w.start >= this.windowMs || w.n < max) continue;
      const wait = Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
      if (!worst || wait > worst.retryAfterSeconds) {
        worst = { retryAfterSeconds: wait, reason: key.startsWith('a|') ? 'from this address' : key.startsWith('u|') ? 'for this user name' : 'for this user name from this address' };
      }
    }
    return worst;
  }

  /** Count one failed sign-in. */
  failed(address: string, username: string): void {
    const now = this.opts.now().getTime();
    for (const [key] of this.keys(address, username)) {
      let w = this.windows.get(key);
      if (!w || now - w.start >= this.windowMs) { w = { start: now, n: 0 }; this.windows.set(key, w); }
      w.n++;
    }
    if (this.windows.size > 30_000) for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }

  /** A correct password clears the address+name pair (not the address or name totals). */
  succeeded(address: string, username: string): void {
    this.windows.delete(this.keys(address, username)[2][0]);
  }
}
