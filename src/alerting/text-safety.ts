// Making hostile crawled text safe for each output format: HTML and markdown escaping, link
// filtering (http/https only, never javascript:), and byte-exact UTF-8 truncation that never
// cuts a character (or a surrogate pair) in half.

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Markdown (WeCom, DingTalk, Feishu lark_md): neutralise markup, HTML tags and line structure. */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[\\`*_{}[\]()#+\-!|~>]/g, (c) => `\\${c}`)
    .replace(/</g, '&lt;')
    .replace(/@/g, '@\u200b'); // no @all / @mobile mentions from crawled text
}

/** Slack mrkdwn: only &, <, > are control characters; also defuse formatting marks. */
export function escapeSlack(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/[*_~`]/g, (c) => `\u200b${c}\u200b`);
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
