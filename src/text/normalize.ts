// Text normalization for matching and models: Traditional -> Simplified (opencc-js), full-width
// -> half-width, lower case, collapsed whitespace. The original text is kept elsewhere for display.
import * as OpenCC from 'opencc-js';

let t2s: ((s: string) => string) | null = null;
function toSimplified(s: string): string {
  t2s ??= OpenCC.Converter({ from: 'hk', to: 'cn' });
  return t2s(s);
}

/** Full-width ASCII variants (U+FF01..FF5E) and the ideographic space to their half-width forms. */
export function toHalfWidth(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0);
    else if (c === 0x3000) out += ' ';
    else out += s[i];
  }
  return out;
}

const HAS_HAN = /[\u3400-\u9fff]/;

/** The canonical form every matcher and model sees: simplified, half-width, lower case, single spaces. */
export function normalizeForMatch(text: string | null | undefined): string {
  if (!text) return '';
  let s = toHalfWidth(text);
  if (HAS_HAN.test(s)) s = toSimplified(s);
  return s.toLowerCase().replace(/\s+/g, ' ').trim();
}
