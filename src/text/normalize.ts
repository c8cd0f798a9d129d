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
  // Fast path, one scan: ASCII, full-width forms (，！？Ａ１) and spaces are handled here; a text
  // with anything else that normalization may change (Traditional characters, other cased scripts,
  // Unicode spaces, zero-width marks) takes the full path. Same result either way
  // (tests/text/normalize.test.ts checks it on random strings).
  const trad = traditionalFlags();
  let out = '';
  let from = 0;
  let upper = false;
  let space = true; // the previous kept character was a space (the start counts as one: no leading space)
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c === 32 || (c >= 9 && c <= 13)) {
        if (space) { out += text.slice(from, i); from = i + 1; }
        else if (c !== 32) { out += text.slice(from, i) + ' '; from = i + 1; }
        space = true;
        continue;
      }
      if (c >= 65 && c <= 90) upper = true;
    } else if (c >= 0xff01 && c <= 0xff5e) {
      out += text.slice(from, i) + String.fromCharCode(c - 0xfee0);
      from = i + 1;
      if (c >= 0xff21 && c <= 0xff3a) upper = true;
    } else if (c === 0x3000) {
      out += text.slice(from, i) + (space ? '' : ' ');
      from = i + 1;
      space = true;
      continue;
    } else if (mayChange(c) || (c >= 0x3400 && trad[c] === 1)) {
      return normalizeForMatchFull(text);
    }
    space = false;
  }
  out = from === 0 ? text : out + text.slice(from);
  if (space && out.length > 0 && out.charCodeAt(out.length - 1) === 32) out = out.slice(0, -1);
  return upper ? out.toLowerCase() : out;
}

/**
 * Non-ASCII characters (other than the full-width forms and U+3000 the fast path handles itself)
 * that zero-width removal, lower-casing or whitespace collapsing may change: cased scripts and
 * letter-like symbols, Unicode spaces, zero-width marks, and astral characters outside the emoji
 * blocks. Conservative (a false alarm only costs the full path).
 */
function mayChange(c: number): boolean {
  if (c < 0x2000) return true;
  if (c < 0x2070) return c <= 0x200d || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x2060;
  if (c < 0x2e00) return (c >= 0x2100 && c < 0x2190) || (c >= 0x24b6 && c <= 0x24e9) || c >= 0x2c00;
  if (c < 0xa000) return false;
  if (c >= 0xa640 && c < 0xa800) return true;
  if (c >= 0xab70 && c < 0xabc0) return true;
  if (c >= 0xd800 && c <= 0xdbff) return c < 0xd83c || c > 0xd83e;
  return (c >= 0xfb00 && c <= 0xfb4f) || c === 0xfeff;
}

/** normalizeForMatch without the fast path (the definition). */
export function normalizeForMatchFull(text: string): string {
  let s = toHalfWidth(text);
  s = toSimplified(s);
  return s.replace(BOM_AND_ZERO_WIDTH, '').toLowerCase().replace(SPACES, ' ').trim();
}
