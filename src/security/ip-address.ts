// Address rules of the SSRF guard, in one place: which IPv4 and IPv6 addresses are private
// (loopback, RFC 1918, link-local, CGNAT, multicast, reserved, unique-local, documentation...),
// including every IPv6 form that carries an IPv4 address inside it, because the URL parser and
// the resolver hand those over in hex (`[::ffff:127.0.0.1]` becomes `::ffff:7f00:1`): IPv4-mapped
// ::ffff:0:0/96, IPv4-compatible ::/96, SIIT ::ffff:0:0:0/96, NAT64 64:ff9b::/96 (and the
// local-use 64:ff9b:1::/48), 6to4 2002::/16, Teredo 2001::/32 (server and client) and ISATAP
// interface ids. Also CIDR membership (IPv4 and IPv6) for FLAREWATCH_ALLOW_PRIVATE entries.
import net from 'node:net';

/** The 32-bit value of a dotted-quad IPv4 address, or null when `ip` is not one. */
export function ipv4ToInt(ip: string): number | null {
  if (!net.isIPv4(ip)) return null;
  return ip.split('.').reduce((a, o) => a * 256 + Number(o), 0) >>> 0;
}

const intToIpv4 = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** The eight 16-bit groups of an IPv6 address (zone id ignored), or null when `ip` is not one. */
export function ipv6Groups(ip: string): number[] | null {
  const bare = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!net.isIPv6(bare)) return null;
  let s = bare.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const v = ipv4ToInt(dotted[1]);
    if (v === null) return null;
    s = s.slice(0, -dotted[1].length) + `${(v >>> 16).toString(16)}:${(v & 0xffff).toString(16)}`;
  }
  const [head, tail] = s.split('::');
  const part = (x: string | undefined) => (x ? x.split(':').filter(Boolean).map((g) => parseInt(g, 16)) : []);
  const h = part(head), t = part(tail);
  if (tail === undefined) return h.length === 8 ? h : null;
  return [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}

const v4 = (hi: number, lo: number) => ((hi << 16) | lo) >>> 0;

/**
 * The IPv4 addresses an IPv6 address carries (as 32-bit values): the one it is mapped to,
 * translated to or tunnelled to. Empty for an ordinary IPv6 address.
 */
export function embeddedIpv4(g: readonly number[]): number[] {
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const out: number[] = [];
  if (zero(0, 5) && g[5] === 0xffff) out.push(v4(g[6], g[7])); // ::ffff:a.b.c.d  mapped
  if (zero(0, 6)) out.push(v4(g[6], g[7])); // ::a.b.c.d  compatible (also :: and ::1)
  if (zero(0, 4) && g[4] === 0xffff && g[5] === 0) out.push(v4(g[6], g[7])); // ::ffff:0:a.b.c.d  SIIT
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) out.push(v4(g[6], g[7])); // 64:ff9b::a.b.c.d  NAT64
  if (g[0] === 0x2002) out.push(v4(g[1], g[2])); // 2002:aabb:ccdd::  6to4
  if (g[0] === 0x2001 && g[1] === 0) out.push(v4(g[2], g[3]), (~v4(g[6], g[7])) >>> 0); // Teredo: server, client (inverted)
  if ((g[4] & 0xfdff) === 0 && g[5] === 0x5efe) out.push(v4(g[6], g[7])); // ISATAP interface id
  return out;
}

/** [base, prefix length] pairs */
const PRIVATE_V4: [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
];

const PRIVATE_V6: [string, number][] = [
  ['::', 128], ['::1', 128], ['100::', 64], ['64:ff9b:1::', 48], ['2001:2::', 48], ['2001:10::', 28], ['2001:20::', 28],
  ['2001:db8::', 32], ['3fff::', 20], ['5f00::', 16], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
];

function v4InCidr(ip: number, base: number, bits: number): boolean {
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((ip & mask) >>> 0) === ((base & mask) >>> 0);
}

function v6InCidr(g: readonly number[], base: readonly number[], bits: number): boolean {
  for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if ((g[i] & mask) !== (base[i] & mask)) return false;
  }
  return true;
}

const isPrivateV4 = (n: number) => PRIVATE_V4.some(([b, bits]) => v4InCidr(n, ipv4ToInt(b)!, bits));

/**
 * True for an address a user-set URL must not reach: private, loopback, link-local, shared,
 * multicast, reserved or documentation space, in IPv4 or IPv6, and any IPv6 address that
 * embeds such an IPv4 address. Something that is not an IP address at all is refused too.
 */
export function isPrivateAddress(ip: string): boolean {
  const n = ipv4ToInt(ip);
  if (n !== null) return isPrivateV4(n);
  const g = ipv6Groups(ip);
  if (!g) return true;
  if (PRIVATE_V6.some(([b, bits]) => v6InCidr(g, ipv6Groups(b)!, bits))) return true;
  return embeddedIpv4(g).some(isPrivateV4);
}

/** The IPv4 address a host connecting to `ip` really talks to (mapped or compatible form), else null. */
function sameHostIpv4(ip: string): number | null {
  const n = ipv4ToInt(ip);
  if (n !== null) return n;
  const g = ipv6Groups(ip);
  if (!g || !g.slice(0, 5).every((x) => x === 0) || (g[5] !== 0xffff && g[5] !== 0)) return null;
  return v4(g[6], g[7]);
}

/**
 * True when `ip` is the address `entry` names or lies in the CIDR `entry` (IPv4 or IPv6); an
 * IPv4-mapped address matches IPv4 entries for the IPv4 address it stands for.
 */
export function inCidr(ip: string, entry: string): boolean {
  const [base, bitsText] = entry.trim().split('/');
  const bits = bitsText === undefined ? null : Number(bitsText);
  if (bits !== null && (!Number.isInteger(bits) || bits < 0)) return false;
  const b4 = ipv4ToInt(base);
  if (b4 !== null) {
    const a = sameHostIpv4(ip);
    return a !== null && (bits ?? 32) <= 32 && v4InCidr(a, b4, bits ?? 32);
  }
  const b6 = ipv6Groups(base), a6 = ipv6Groups(ip);
  return !!b6 && !!a6 && (bits ?? 128) <= 128 && v6InCidr(a6, b6, bits ?? 128);
}

/** `ip` written plainly for messages: an IPv6 address that stands for an IPv4 one shows both. */
export function describeAddress(ip: string): string {
  const g = ipv6Groups(ip);
  const inner = g ? embeddedIpv4(g) : [];
  return inner.length ? `${ip} = ${inner.map(intToIpv4).join(' / ')}` : ip;
}
