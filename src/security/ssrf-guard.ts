// SSRF guard for every fetch of a URL that users or posted data can choose (`web` and `browser`
// sources, the evidence archiver): every hop of a fetch (redirects included) must go to a public
// address, checked on the address the socket actually connects to (a guarded DNS lookup, so DNS
// rebinding cannot slip a private address in after a check), unless the host or a CIDR holding
// the address is allowed by FLAREWATCH_ALLOW_PRIVATE (env.allowPrivateHosts). The address rules,
// IPv6 forms that embed an IPv4 address included, are ip-address.ts's.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import net from 'node:net';
import { describeAddress, inCidr, isPrivateAddress } from './ip-address.js';
import { CrawlError } from '../crawl/errors.js';

/** A fetch refused because its host is (or resolves to) a private, loopback or link-local address. */
export class PrivateHostError extends CrawlError {
  override name = 'PrivateHostError';
}

/** Adapters whose URLs come from users (dashboard/source editing) and so must be guarded. */
export const GUARDED_ADAPTERS: ReadonlySet<string> = new Set(['web', 'browser']);

export interface HostGuard {
  /** throws PrivateHostError for a URL that is refused before any lookup (IP literal, bad scheme) */
  checkUrl(url: URL): void;
  /** a net/http `lookup` that refuses private addresses */
  lookup: net.LookupFunction;
}

/** Is this address refused under this allow list? */
export function isRefusedAddress(address: string, allow: readonly string[]): boolean {
  return isPrivateAddress(address) && !allow.some((e) => inCidr(address, e));
}

/** The DNS step under the guard: node's dns.lookup (all addresses) unless a test injects a fake. */
export type AddressResolver = (hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

export const systemResolver: AddressResolver = (hostname, options, callback) =>
  dnsLookup(hostname, { ...options, all: true }, (err, addrs) => callback(err, addrs as LookupAddress[]));

export function createHostGuard(allow: readonly string[], resolve: AddressResolver = systemResolver): HostGuard {
  const refuse = (host: string, address: string) =>
    new PrivateHostError(`${host} is a private address (${describeAddress(address)}); sources may not reach it unless FLAREWATCH_ALLOW_PRIVATE lists it`, host);
  return {
    checkUrl(url) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PrivateHostError(`only http(s) URLs may be fetched, not ${url.protocol}`, url.href);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (allow.includes(host)) return;
      if (net.isIP(host) && isRefusedAddress(host, allow)) throw refuse(host, host);
      const name = host.toLowerCase().replace(/\.$/, '');
      if (name === 'localhost' || name.endsWith('.localhost')) throw refuse(host, '127.0.0.1');
    },
    lookup(hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) {
      resolve(hostname, options, (err, list) => {
        if (err) return callback(err, '', 4);
        if (!list.length) return callback(Object.assign(new Error(`${hostname} resolved to no address`), { code: 'ENOTFOUND' }), '', 4);
        const bad = allow.includes(hostname) ? undefined : list.find((a) => isRefusedAddress(a.address, allow));
        if (bad) return callback(refuse(hostname, bad.address) as unknown as NodeJS.ErrnoException, '', 4);
        if (options.all) return callback(null, list);
        callback(null, list[0].address, list[0].family);
      });
    },
  } as HostGuard;
}

/** Resolve and check a URL up front (for the browser, whose own requests we cannot hand a lookup). */
export async function assertPublicUrl(url: string, guard: HostGuard): Promise<void> {
  let u: URL;
  try { u = new URL(url); } catch { throw new PrivateHostError(`not a URL: ${url}`, url); }
  guard.checkUrl(u);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host)) return;
  await new Promise<void>((resolve, reject) => {
    guard.lookup(host, { all: true }, (err) => (err ? reject(err instanceof CrawlError ? err : new PrivateHostError(`cannot resolve ${host}: ${err.message}`, url)) : resolve()));
  });
}
