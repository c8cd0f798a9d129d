// Text cleaning for crawled markup: emoticon <img alt="[xx]"> to "[xx]", <br> and block ends to
// newlines, tags stripped, entities decoded, whitespace tidied. Also safe number parsing for the
// "1.2万" / "3k" counts sites print.

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ensp: ' ', emsp: ' ', thinsp: ' ', middot: '·',
  hellip: '…', mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»',
  copy: '©', reg: '®', trade: '™', times: '×', deg: '°', bull: '•', yen: '¥', euro: '€', pound: '£', cent: '¢',
};

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : '';
    }
    return NAMED[e.toLowerCase()] ?? all;
  });
}

/** HTML fragment to plain text. */
export function htmlToText(html: string | null | undefined): string {
  if (!html) return '';
  let s = String(html);
  s = s.replace(/<!--[\s\S]*?-->/g, '');
  s = s.replace(/<(script|style|noscript)\b[\s\S]*?<\/\1\s*>/gi, '');
  s = s.replace(/<img\b[^>]*?\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>/gi, (_a, a1, a2, a3) => {
    const alt = (a1 ?? a2 ?? a3 ?? '').trim();
    return /^\[.*\]$/.test(alt) ? alt : alt ? ` ${alt} ` : '';
  });
  s = s.replace(/<p\b[^>]*>/gi, '\n').replace(/<br\s*\/?>/gi, '\n').replace(/<\/(p|div|li|h\d|tr|blockquote)\s*>/gi, '\n');
  s = s.replace(/<\/?[a-z][^>]*>/gi, '').replace(/<\/?[a-z][^<]*$/i, '');
  s = decodeEntities(s);
  s = s.replace(/<\/?(span|img|a|div|br)\b[^>]*>?/gi, ''); // tags that were entity-encoded
  return s.replace(/[ \t\f\v\u00a0\u3000]+/g, ' ').replace(/ *\n[ \n]*/g, '\n').trim();
}

/** "1.2万" -> 12000, "3k" -> 3000, "1,234" -> 1234, "转发" -> null. */
export function parseCount(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.floor(v) : null;
  if (typeof v !== 'string') return null;
  const m = /(\d[\d,]*(?:\.\d+)?)\s*(万|w|亿|k|m)?\+?/i.exec(v);
  if (!m) return null;
  const n = Number(m[1].replace(/,/g, ''));
  const mult = { '万': 1e4, w: 1e4, W: 1e4, '亿': 1e8, k: 1e3, K: 1e3, m: 1e6, M: 1e6 }[m[2] ?? ''] ?? 1;
  const r = Math.round(n * mult);
  return Number.isFinite(r) ? r : null;
}

/** A non-empty trimmed string or null. */
export function str(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t ? t : null;
}

/** Read a nested property without throwing: get(o, 'data', 'cards', 0). */
export function get(o: unknown, ...path: (string | number)[]): unknown {
  let cur = o;
  for (const k of path) {
    if (cur == null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}

export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
