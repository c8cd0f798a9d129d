// Text normalization for matching and models: Traditional -> Simplified (opencc-js), full-width
// -> half-width, lower case, collapsed whitespace. The original text is kept elsewhere for display.
// The converter (t2s.ts: opencc-js's hk -> cn dictionaries) is loaded lazily and only run on texts
// that contain at least one Traditional character, so Simplified and English texts pay nothing.
import { TRADITIONAL_CHARS } from './traditional-chars.js';
import { hkToSimplified } from './t2s.js';

let tradFlags: Uint8Array | null = null;
function traditionalFlags(): Uint8Array {
  if (!tradFlags) {
    tradFlags = new Uint8Array(65536);
    for (let i = 0; i < TRADITIONAL_CHARS.length; i++) tradFlags[TRADITIONAL_CHARS.charCodeAt(i)] = 1;
  }
  return tradFlags;
}

/** True when the text contains a character that Traditional -> Simplified conversion changes. */
export function hasTraditional(s: string): boolean {
  const f = traditionalFlags();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x3400 && f[c] === 1) return true;
  }
  return false;
}

/** Traditional -> Simplified (Hong Kong / Taiwan variants included); a no-op for other text. */
export function toSimplified(s: string): string {
  return hasTraditional(s) ? hkToSimplified(s) : s;
}

const FULL_WIDTH = /[\uff01-\uff5e\u3000]/;

/** Full-width ASCII variants (U+FF01..FF5E) and the ideographic space to their half-width forms. */
export function toHalfWidth(s: string): string {
  if (!FULL_WIDTH.test(s)) return s;
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0xff01 && c <= 0xff5e) || c === 0x3000) {
      out += s.slice(from, i) + (c === 0x3000 ? ' ' : String.fromCharCode(c - 0xfee0));
      from = i + 1;
    }
  }
  return out + s.slice(from);
}

const SPACES = /\s+/g;
const BOM_AND_ZERO_WIDTH = /[\ufeff\u200b-\u200d\u2060]/g;

/** The canonical form every matcher and model sees: simplified, half-width, lower case, single spaces. */
export function normalizeForMatch(text: string | null | undefined): string {
  if (!text) return '';
  let s = toHalfWidth(text);
  s = toSimplified(s);
  return s.replace(BOM_AND_ZERO_WIDTH, '').toLowerCase().replace(SPACES, ' ').trim();
}
