// The character n-gram index behind post search: which tokens a post is indexed under, and which
// FTS5 expression over those tokens every post matching a query must satisfy. The query language
// matches terms as substrings of normalized text (contracts §4), from one character up; an index
// of all 1- and 2-grams answers that exactly for terms of one or two characters and, for longer
// terms, narrows to posts holding all of their 2-grams. The search then verifies every candidate
// with the query evaluator, so the index only ever removes posts that cannot match and results
// equal the evaluator's. (3-grams would narrow long terms further but cost 7x the write time:
// millions of distinct terms; measured with bench/search-recall.mjs.)
//
// Tokens are hex-encoded UTF-16 code units (4 hex digits per unit), so every character (spaces,
// punctuation, emoji halves) is indexable by FTS5's plain `ascii` tokenizer:
//   text and title grams   '62958bc9'        (投诉)
//   author name grams      'u' + hex          (author:某某, substring of the normalized name)
//   author id              'i' + hex          (author:1669879400, exact)
//   source                 's' + hex          (source:weibo, exact, lower case)
import { isTextTerm, type QueryNode } from './ast.js';

/** Longest gram indexed; terms up to this length are looked up as one token. */
export const MAX_GRAM = 2; // addGramTokens indexes exactly the 1- and 2-grams

let HEX: string[] | null = null;
function hexTable(): string[] {
  if (!HEX) {
    HEX = new Array<string>(65536);
    for (let c = 0; c < 65536; c++) HEX[c] = c.toString(16).padStart(4, '0');
  }
  return HEX;
}

/** The token for a whole string (`prefix` + 4 hex digits per UTF-16 unit). */
export function gramToken(s: string, prefix = ''): string {
  const hex = hexTable();
  let t = prefix;
  for (let i = 0; i < s.length; i++) t += hex[s.charCodeAt(i)];
  return t;
}

/**
 * Adds the tokens of every 1- and 2-gram of `s` to `out`. `seen` de-duplicates by number
 * (unit, or 65536 + 65536 * first + second for a pair), which is much cheaper than by string.
 */
export function addGramTokens(s: string, out: string[], prefix = '', seen = new Set<number>()): void {
  const hex = hexTable();
  for (let i = 0; i < s.length; i++) {
    const a = s.charCodeAt(i);
    if (!seen.has(a)) { seen.add(a); out.push(prefix + hex[a]); }
    if (i + 1 < s.length) {
      const b = s.charCodeAt(i + 1);
      const key = 65536 + a * 65536 + b;
      if (!seen.has(key)) { seen.add(key); out.push(prefix + hex[a] + hex[b]); }
    }
  }
}

/** What a post is indexed under; text and title already normalizeForMatch'ed (as the evaluator sees them). */
export interface GramDoc {
  /** normalized `title + ' ' + text` */
  text: string;
  /** normalized title ('' when none) */
  title?: string;
  source?: string | null;
  authorId?: string | null;
  /** normalized author name */
  authorName?: string;
}

/** The space-separated token list to store in the FTS5 table for one post. */
export function docTokens(doc: GramDoc): string {
  const out: string[] = [];
  const seen = new Set<number>();
  addGramTokens(doc.text, out, '', seen);
  if (doc.title) addGramTokens(doc.title, out, '', seen);
  if (doc.authorName) addGramTokens(doc.authorName, out, 'u');
  if (doc.authorId) out.push(gramToken(doc.authorId, 'i'));
  if (doc.source) out.push(gramToken(doc.source.toLowerCase(), 's'));
  return out.join(' ');
}

const quote = (token: string) => `"${token}"`;

/** At most this many grams of one long term go into the expression (any subset is a superset). */
const MAX_TERM_GRAMS = 24;

/**
 * An FTS5 expression that every post containing `value` as a substring matches: the value's own
 * token when it is short enough, else all its MAX_GRAM-grams (the rarest one decides the cost;
 * a very long phrase gives up to MAX_TERM_GRAMS of them, spread over its length).
 */
export function substringExpression(value: string, prefix = ''): string {
  if (value.length <= MAX_GRAM) return quote(gramToken(value, prefix));
  const grams = [...new Set(Array.from({ length: value.length - MAX_GRAM + 1 }, (_, i) => value.slice(i, i + MAX_GRAM)))];
  const chosen = grams.length <= MAX_TERM_GRAMS ? grams
    : Array.from({ length: MAX_TERM_GRAMS }, (_, k) => grams[Math.floor((k * (grams.length - 1)) / (MAX_TERM_GRAMS - 1))]);
  return chosen.map((g) => quote(gramToken(g, prefix))).join(' AND ');
}

/** The FTS5 expression for a source name (exact, lower case): also used for the `source` filter. */
export function sourceExpression(source: string): string {
  return quote(gramToken(source.trim().toLowerCase(), 's'));
}

/**
 * An FTS5 expression over the gram tokens whose matches are a superset of the query's, or null
 * when the index cannot narrow the query (it can be true without any indexed token, as `-召回`
 * or `a OR -b` can). NOT branches count as "anything"; NEAR as AND.
 */
export function gramExpression(node: QueryNode): string | null {
  switch (node.kind) {
    case 'term':
      if (isTextTerm(node)) return substringExpression(node.value);
      if (node.field === 'source') return sourceExpression(node.value);
      // author: an exact id, or a substring of the normalized name
      return node.raw.trim()
        ? `(${quote(gramToken(node.raw.trim(), 'i'))} OR (${substringExpression(node.value, 'u')}))`
        : `(${substringExpression(node.value, 'u')})`;
    case 'not': return null;
    case 'near': return gramExpression({ kind: 'and', children: [node.left, node.right] });
    case 'and': {
      const parts = node.children.map(gramExpression).filter((x): x is string => x !== null);
      return parts.length ? parts.map((p) => `(${p})`).join(' AND ') : null;
    }
    case 'or': {
      const parts = node.children.map(gramExpression);
      if (parts.some((p) => p === null)) return null;
      return parts.map((p) => `(${p})`).join(' OR ');
    }
  }
}
