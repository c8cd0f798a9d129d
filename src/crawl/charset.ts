// Body decoding: BOM, then the Content-Type charset, then <meta>/<?xml encoding?>, then detection.
// A declared charset is only believed when the bytes agree with it ("the header may lie": GBK
// bytes served as charset=utf-8 still decode right). Detection scores UTF-8, GB18030, Big5 and
// windows-1252 by how plausible the decoded characters are.
import iconv from 'iconv-lite';

export interface Decoded { text: string; charset: string; via: 'bom' | 'header' | 'meta' | 'detect' }

const ALIASES: Record<string, string> = {
  'utf8': 'utf-8', 'unicode-1-1-utf-8': 'utf-8',
  'gbk': 'gb18030', 'gb2312': 'gb18030', 'gb_2312-80': 'gb18030', 'x-gbk': 'gb18030', 'cp936': 'gb18030', 'euc-cn': 'gb18030', 'hz-gb-2312': 'gb18030',
  'big5-hkscs': 'big5hkscs', 'x-x-big5': 'big5', 'cp950': 'big5',
  'iso-8859-1': 'windows-1252', 'latin1': 'windows-1252', 'us-ascii': 'windows-1252', 'ascii': 'windows-1252',
  'shift-jis': 'shift_jis', 'sjis': 'shift_jis', 'x-sjis': 'shift_jis',
};

export function normalizeCharset(name: string | null | undefined): string | null {
  if (!name) return null;
  const n = name.trim().toLowerCase().replace(/^["']|["']$/g, '');
  const c = ALIASES[n] ?? n;
  return iconv.encodingExists(c) ? c : null;
}

export function charsetFromContentType(ct: string | null | undefined): string | null {
  const m = /charset\s*=\s*["']?([\w.:-]+)/i.exec(ct ?? '');
  return m ? normalizeCharset(m[1]) : null;
}

function bomCharset(b: Uint8Array): { charset: string; skip: number } | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { charset: 'utf-8', skip: 3 };
  if (b[0] === 0xfe && b[1] === 0xff) return { charset: 'utf-16be', skip: 2 };
  if (b[0] === 0xff && b[1] === 0xfe) return { charset: 'utf-16le', skip: 2 };
  return null;
}

/** charset from <meta charset>, <meta http-equiv content=...charset=>, or <?xml encoding=?> in the first 4 KB. */
export function charsetFromMarkup(b: Uint8Array): string | null {
  const head = Buffer.from(b.subarray(0, 4096)).toString('latin1');
  const xml = /<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head);
  if (xml) return normalizeCharset(xml[1]);
  const meta = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head);
  return meta ? normalizeCharset(meta[1]) : null;
}

export function isValidUtf8(b: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

const hasHighBytes = (b: Uint8Array): boolean => b.some((x) => x >= 0x80);

/** How plausible a CJK decoding is: share of its Han characters that fall in the encoding's common-character block. */
function cjkScore(text: string, charset: 'gb18030' | 'big5'): number {
  let nonAscii = 0, good = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) continue;
    nonAscii++;
    if (cp === 0xfffd || (cp >= 0xe000 && cp <= 0xf8ff)) { good -= 2; continue; }
    if (cp >= 0x3000 && cp <= 0x303f) { good += 1; continue; } // CJK punctuation
    if (cp >= 0xff00 && cp <= 0xffef) { good += 1; continue; } // full-width forms
    if (cp < 0x4e00 || cp > 0x9fff) continue;
    const enc = iconv.encode(ch, charset);
    if (enc.length !== 2) continue;
    const lead = enc[0], trail = enc[1];
    if (charset === 'gb18030' ? lead >= 0xb0 && lead <= 0xd7 && trail >= 0xa1 : lead >= 0xa4 && lead <= 0xc6) good++;
  }
  return nonAscii ? good / nonAscii : 0;
}

/** Latin plausibility: accented letters next to ASCII letters, as in "Notícias". */
function latinScore(text: string): number {
  let nonAscii = 0, good = 0;
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const cp = chars[i].codePointAt(0)!;
    if (cp < 0x80) continue;
    nonAscii++;
    const isLetter = (cp >= 0xc0 && cp <= 0xff && cp !== 0xd7 && cp !== 0xf7) || cp === 0x152 || cp === 0x153 || cp === 0x160 || cp === 0x161;
    const nb = (s?: string) => !!s && /[A-Za-z]/.test(s);
    if (cp === 0x2019 || cp === 0x201c || cp === 0x201d || cp === 0x2013 || cp === 0x2014 || cp === 0xa0 || cp === 0xab || cp === 0xbb) good += 0.5;
    else if (isLetter && (nb(chars[i - 1]) || nb(chars[i + 1]))) good++;
  }
  return nonAscii ? good / nonAscii : 0;
}

/** Guess the charset of bytes with no trustworthy declaration. */
export function detectCharset(b: Uint8Array): string {
  if (!hasHighBytes(b) || isValidUtf8(b)) return 'utf-8';
  const sample = Buffer.from(b.subarray(0, 64 * 1024));
  const scores: [string, number][] = [
    ['gb18030', cjkScore(iconv.decode(sample, 'gb18030'), 'gb18030')],
    ['big5', cjkScore(iconv.decode(sample, 'big5'), 'big5')],
    ['windows-1252', latinScore(iconv.decode(sample, 'windows-1252'))],
  ];
  scores.sort((x, y) => y[1] - x[1]);
  return scores[0][0];
}

/** Does decoding with `charset` look right for these bytes? */
function agrees(b: Uint8Array, charset: string): boolean {
  if (charset === 'utf-8') return isValidUtf8(b);
  if (!hasHighBytes(b)) return true;
  if (charset === 'windows-1252' || charset.startsWith('iso-8859')) {
    // a single-byte declaration over valid multi-byte UTF-8 is the classic server default lie
    return !isValidUtf8(b);
  }
  const text = iconv.decode(Buffer.from(b.subarray(0, 64 * 1024)), charset);
  const bad = (text.match(/\uFFFD/g) ?? []).length;
  if (bad > 2) return false;
  if (charset === 'gb18030' || charset === 'big5' || charset === 'big5hkscs') {
    // declared CJK charset: believe it unless the other CJK charset is far more plausible
    const other = charset === 'gb18030' ? 'big5' : 'gb18030';
    const mine = cjkScore(text, charset === 'gb18030' ? 'gb18030' : 'big5');
    const theirs = cjkScore(iconv.decode(Buffer.from(b.subarray(0, 64 * 1024)), other), other);
    return !(theirs > 0.8 && mine < 0.5);
  }
  return true;
}

/** Decode a response body to text. Never throws; undecodable bytes become U+FFFD only as a last resort. */
export function decodeBody(bytes: Uint8Array, contentType?: string | null): Decoded {
  const bom = bomCharset(bytes);
  if (bom) return { text: iconv.decode(Buffer.from(bytes.subarray(bom.skip)), bom.charset), charset: bom.charset, via: 'bom' };
  const header = charsetFromContentType(contentType);
  if (header && agrees(bytes, header)) return { text: iconv.decode(Buffer.from(bytes), header), charset: header, via: 'header' };
  const meta = charsetFromMarkup(bytes);
  if (meta && agrees(bytes, meta)) return { text: iconv.decode(Buffer.from(bytes), meta), charset: meta, via: 'meta' };
  const guess = detectCharset(bytes);
  return { text: iconv.decode(Buffer.from(bytes), guess), charset: guess, via: 'detect' };
}
