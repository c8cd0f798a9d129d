// Which reverse proxies the dashboard believes about the client's address (Express's
// 'trust proxy'). Nothing is trusted unless FLAREWATCH_TRUST_PROXY says so: X-Forwarded-For is
// set by the client, so believing it by default (even from loopback) lets anyone rotate it past
// the sign-in limiter.
import { UserError } from '../core/errors.js';

/** The value for `app.set('trust proxy', …)`: false, a hop count, or a list of addresses/CIDRs/names. */
export function trustProxySetting(raw: string | null | undefined): false | number | string[] {
  const v = (raw ?? '').trim();
  if (!v || /^(0|false|no|off)$/i.test(v)) return false;
  if (/^\d+$/.test(v)) return Number(v);
  if (/^(true|yes|on|all)$/i.test(v)) {
    throw new UserError(`FLAREWATCH_TRUST_PROXY=${v} would believe X-Forwarded-For from anyone`,
      "name your proxy instead: a hop count (1), 'loopback', or its address/CIDR (e.g. 10.0.0.5 or 10.0.0.0/8)");
  }
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of list) {
    if (!/^(loopback|linklocal|uniquelocal|[0-9a-f.:]+(\/\d{1,3})?)$/i.test(s)) {
      throw new UserError(`FLAREWATCH_TRUST_PROXY: '${s}' is not an address, CIDR or one of loopback, linklocal, uniquelocal`,
        "e.g. FLAREWATCH_TRUST_PROXY=loopback when a proxy on this machine sets X-Forwarded-For");
    }
  }
  return list;
}
