// highlightTerms: where a query's positive terms occur in a piece of display text, as spans in
// the ORIGINAL text (UTF-16 offsets), so the dashboard can wrap them in <mark>. Matching is done
// on the normalized form (Traditional, full-width and case variants are found too).
import { normalizeForMatch } from '../text/normalize.js';
import { collectTerms } from './ast.js';
import { compileQuery, type CompiledQuery } from './compile.js';

export interface TermSpan {
  /** offsets into the original text, end exclusive */
  start: number;
  end: number;
  /** the (normalized) query term found there; the first one where several overlap */
  term: string;
}

/**
 * Normalizes `text` character by character, remembering for each normalized UTF-16 unit the
 * original offset it came from. Whitespace runs collapse to one space, as in normalizeForMatch.
 */
function normalizeWithMap(text: string): { norm: string; from: number[] } {
  let norm = '';
  const from: number[] = [];
  let i = 0;
  for (const ch of text) {
    if (/\s/.test(ch)) {
      if (norm.length > 0 && norm[norm.length - 1] !== ' ') { norm += ' '; from.push(i); }
    } else {
      const n = normalizeForMatch(ch);
      for (let k = 0; k < n.length; k++) { norm += n[k]; from.push(i); }
    }
    i += ch.length;
  }
  from.push(text.length);
  return { norm, from };
}

/**
 * Spans of `text` where the positive terms of `query` occur, sorted and merged where they overlap.
 * `field: 'title'` also highlights `title:` terms (use it for a post's title).
 */
export function highlightTerms(query: string | CompiledQuery, text: string, opts: { field?: 'text' | 'title' } = {}): TermSpan[] {
  const q = typeof query === 'string' ? compileQuery(query) : query;
  const fields = opts.field === 'title' ? ['any', 'title'] : ['any'];
  const terms = [...new Set(collectTerms(q.ast).filter((t) => t.positive && fields.includes(t.term.field)).map((t) => t.term.value))];
  if (terms.length === 0 || !text) return [];
  const { norm, from } = normalizeWithMap(text);
  const raw: { s: number; e: number; term: string }[] = [];
  for (const term of terms)
    for (let i = norm.indexOf(term); i >= 0; i = norm.indexOf(term, i + 1)) {
      // end: just past the original character that produced the term's last normalized unit
      raw.push({ s: from[i], e: nextCharEnd(text, from[i + term.length - 1]), term });
    }
  raw.sort((a, b) => a.s - b.s || b.e - a.e);
  const out: TermSpan[] = [];
  for (const r of raw) {
    const last = out[out.length - 1];
    if (last && r.s < last.end) last.end = Math.max(last.end, r.e);
    else out.push({ start: r.s, end: r.e, term: r.term });
  }
  return out;
}

function nextCharEnd(text: string, at: number): number {
  const cp = text.codePointAt(at);
  return at + (cp !== undefined && cp > 0xffff ? 2 : 1);
}
