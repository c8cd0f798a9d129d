// Making hostile crawled text safe for each output format: HTML and Slack escaping, markdown
// neutralising for the IM robots, link filtering (http/https only, never javascript:), and
// byte-exact UTF-8 truncation that never cuts a character (or a surrogate pair) in half.

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const ZW = '\u200b'; // zero-width space: invisible, but no markup token survives it

/**
 * Crawled text inside WeCom / DingTalk robot markdown. Neither documents an escape character
 * (a backslash shows as a backslash), so nothing is escaped: the text shows as typed, and an
 * invisible zero-width space is put where markup would start, so it cannot form a link or image
 * (`[t](u)`, `![](u)`), a tag (`<font>`, `</b>`, `<@userid>`), a mention (`@all`, `@138…`),
 * bold/strike/code runs (`**`, `~~`, backtick pairs) or an entity; line breaks become spaces so
 * no heading, quote or list can start.
 */
export function neutralizeMarkdown(s: string): string {
  return s
    .replace(/[\r\n\t\v\f\u0085\u2028\u2029]+/g, ' ')
    .replace(/([*_~`])(?=[*_~`])/g, `$1${ZW}`)
    .replace(/\]\(/g, `]${ZW}(`)
    .replace(/!\[/g, `!${ZW}[`)
    .replace(/<(?=[A-Za-z/!?@$])/g, `<${ZW}`)
    .replace(/@(?=[\p{L}\p{N}_])/gu, `@${ZW}`)
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, `&${ZW}`)
    .replace(/^[*_~`]/, (c) => ZW + c) // nor with the markup around it (**title**)
    .replace(/[*_~`]$/, (c) => c + ZW);
}

/** neutralizeMarkdown for text that starts a line: a leading #, >, -, +, *, = or "1." cannot open a block. */
export function neutralizeMarkdownLine(s: string): string {
  const t = neutralizeMarkdown(s);
  return /^\s*([#>+\-*=|]|\d+[.)])/.test(t) ? ZW + t : t;
}

/** Slack mrkdwn: only &, < and > are control characters (links, mentions like <!channel>); one line. */
export function escapeSlack(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The URL when it is a plain http(s) URL, else null (javascript:, data:, relative, malformed). */
export function safeUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const s = raw.trim();
  if (!/^https?:\/\//i.test(s)) return null;
  try {
    const u = new URL(s);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.href;
  } catch { return null; }
}

/** A URL safe inside markdown link parentheses: percent-encode ( ) and spaces. */
export function markdownUrl(url: string): string {
  return url.replace(/[()\s<>]/g, (c) => encodeURIComponent(c));
}

export function utf8Bytes(s: string): number { return Buffer.byteLength(s, 'utf8'); }

/** Cut to at most maxBytes of UTF-8 (whole code points only), adding `ellipsis` when cut. */
export function truncateUtf8(s: string, maxBytes: number, ellipsis = '…'): string {
  if (utf8Bytes(s) <= maxBytes) return s;
  const budget = maxBytes - utf8Bytes(ellipsis);
  if (budget <= 0) return '';
  let bytes = 0;
  let out = '';
  for (const ch of s) { // iterates code points, so surrogate pairs stay whole
    const b = utf8Bytes(ch);
    if (bytes + b > budget) break;
    bytes += b;
    out += ch;
  }
  return out + ellipsis;
}

/** Cut to at most maxChars code points (Slack and some fields count characters). */
export function truncateChars(s: string, maxChars: number, ellipsis = '…'): string {
  const cps = [...s];
  if (cps.length <= maxChars) return s;
  return cps.slice(0, Math.max(0, maxChars - [...ellipsis].length)).join('') + ellipsis;
}

/**
 * Join blocks (already formatted lines) keeping the result within maxBytes: the head blocks are
 * kept whole, later blocks are dropped, and a note says how many were left out.
 */
export function fitBlocks(blocks: string[], maxBytes: number, sep = '\n', note = (n: number) => `…(另有 ${n} 项 / ${n} more)`): string {
  const out: string[] = [];
  let size = 0;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    const add = utf8Bytes(b) + (out.length ? utf8Bytes(sep) : 0);
    const reserve = i < blocks.length - 1 ? utf8Bytes(sep + note(blocks.length - i)) : 0;
    if (size + add + reserve > maxBytes) {
      if (out.length === 0) return truncateUtf8(b, maxBytes);
      out.push(note(blocks.length - i));
      return out.join(sep);
    }
    out.push(b);
    size += add;
  }
  return out.join(sep);
}
