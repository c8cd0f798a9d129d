// SSRF guard for the evidence archiver: a URL may be fetched only when it is http(s) and every
// address its host resolves to is public, unless the host (or a CIDR holding its address) is in
// env.allowPrivateHosts.
import { lookup } from 'node:dns/promises';
import net from 'node:net';

export class BlockedHostError extends Error {
  override name = 'BlockedHostError';
}

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((a, o) => (a << 8) + Number(o), 0) >>> 0;
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsS] = cidr.split('/');
  if (!net.isIP(base)) return false;
  if (net.isIPv4(ip) && net.isIPv4(base)) {
    const bits = bitsS === undefined ? 32 : Number(bitsS);
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return (v4ToInt(ip) & mask) === (v4ToInt(base) & mask);
  }
  return ip.toLowerCase() === base.toLowerCase();
}

const PRIVATE_V4 = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.168.0.0/16', '198.18.0.0/15', '224.0.0.0/4', '240.0.0.0/4'];

export function isPrivateAddress(ip: string): boolean {
  if (net.isIPv4(ip)) return PRIVATE_V4.some((c) => inCidr(ip, c));
  const l = ip.toLowerCase();
  if (l.startsWith('::ffff:')) return isPrivateAddress(l.slice(7));
  return l === '::' || l === '::1' || l.startsWith('fc') || l.startsWith('fd') || l.startsWith('fe8') || l.startsWith('fe9') || l.startsWith('fea') || l.startsWith('feb') || l.startsWith('ff');
}

/** Throws BlockedHostError unless `url` is http(s) to a public host or an allowed private one. */
export async function assertFetchable(url: string, allowPrivate: readonly string[]): Promise<URL> {
  let u: URL;
  try { u = new URL(url); } catch { throw new BlockedHostError(`not a URL: ${url}`); }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new BlockedHostError(`only http(s) URLs are archived, not ${u.protocol}`);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (allowPrivate.includes(host)) return u;
  const addrs = net.isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (!addrs.length) throw new BlockedHostError(`cannot resolve ${host}`);
  for (const a of addrs) {
    if (isPrivateAddress(a) && !allowPrivate.some((c) => inCidr(a, c))) {
      throw new BlockedHostError(`${host} resolves to a private address (${a}); add it to FLAREWATCH_ALLOW_PRIVATE to allow`);
    }
  }
  return u;
}
