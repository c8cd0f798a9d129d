// Bilibili's two small algorithms every client needs, as documented by SocialSisterYi/bilibili-API-collect
// (docs/misc/bvid_desc.md, docs/misc/sign/wbi.md): converting a numeric aid to and from its BV id, and
// the WBI signature (w_rid, wts) that the /wbi/ endpoints want. Pure functions; the keys come from
// the nav endpoint's data.wbi_img (img_url / sub_url file names), the clock from the caller.
import { createHash } from 'node:crypto';

const XOR_CODE = 23442827791579n;
const MASK_CODE = 2251799813685247n;
const MAX_AID = 1n << 51n;
const BASE = 58n;
const ALPHABET = 'FcwAPNKTMug3GV5Lj7EJnHpWsx4tb8haYeviqBz6rkCy12mUSDQX9RdoZf';

/** aid 243082173 -> 'BV1De411p77r'; null for anything that is not a positive whole number. */
export function aidToBvid(aid: unknown): string | null {
  const s = typeof aid === 'number' ? String(aid) : typeof aid === 'string' ? aid.trim() : '';
  if (!/^[1-9]\d{0,15}$/.test(s)) return null;
  const n = BigInt(s);
  if (n >= MAX_AID) return null;
  const out = ['B', 'V', '1', '0', '0', '0', '0', '0', '0', '0', '0', '0'];
  let i = 11;
  for (let t = (MAX_AID | n) ^ XOR_CODE; t > 0n; t /= BASE) out[i--] = ALPHABET[Number(t % BASE)];
  [out[3], out[9]] = [out[9], out[3]];
  [out[4], out[7]] = [out[7], out[4]];
  return out.join('');
}

/** 'BV1De411p77r' -> 243082173; null when it is not a BV id. */
export function bvidToAid(bvid: string): number | null {
  if (!/^BV1[1-9A-HJ-NP-Za-km-z]{9}$/.test(bvid)) return null;
  const c = bvid.split('');
  [c[3], c[9]] = [c[9], c[3]];
  [c[4], c[7]] = [c[7], c[4]];
  let t = 0n;
  for (const ch of c.slice(3)) t = t * BASE + BigInt(ALPHABET.indexOf(ch));
  return Number((t & MASK_CODE) ^ XOR_CODE);
}

const MIXIN_KEY_ENC_TAB = [
  46, 47, 18, 2, 53, 8, 23, 32, 15, 50, 10, 31, 58, 3, 45, 35, 27, 43, 5, 49, 33, 9, 42, 19, 29, 28, 14, 39, 12, 38, 41, 13,
  37, 48, 7, 16, 24, 55, 40, 61, 26, 17, 0, 1, 60, 51, 30, 4, 22, 25, 54, 21, 56, 59, 6, 63, 57, 62, 11, 36, 20, 34, 44, 52,
];

export interface WbiKeys { img: string; sub: string }

/** The keys are the file names (without extension) of nav's data.wbi_img.img_url and sub_url. */
export function wbiKeysFrom(imgUrl: unknown, subUrl: unknown): WbiKeys | null {
  const name = (u: unknown) => (typeof u === 'string' ? /\/([0-9a-f]{32})\.\w+$/i.exec(u)?.[1] ?? null : null);
  const img = name(imgUrl);
  const sub = name(subUrl);
  return img && sub ? { img, sub } : null;
}

export function mixinKey(k: WbiKeys): string {
  const raw = k.img + k.sub;
  return MIXIN_KEY_ENC_TAB.map((i) => raw[i] ?? '').join('').slice(0, 32);
}

/** RFC 3986 encoding with upper-case hex and %20 for a space, as the signature expects. */
const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Sign a URL: drop any old w_rid/wts, add wts (seconds of `now`), sort the parameters, strip
 * !'()* from values, md5(query + mixin key) = w_rid. Returns the URL with the sorted query.
 */
export function signWbi(url: string, keys: WbiKeys, now: Date): string {
  const u = new URL(url);
  const params = [...u.searchParams.entries()].filter(([k]) => k !== 'w_rid' && k !== 'wts');
  params.push(['wts', String(Math.floor(now.getTime() / 1000))]);
  params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = params.map(([k, v]) => `${enc(k)}=${enc(v.replace(/[!'()*]/g, ''))}`).join('&');
  const wRid = createHash('md5').update(query + mixinKey(keys)).digest('hex');
  u.search = `${query}&w_rid=${wRid}`;
  return u.href;
}
