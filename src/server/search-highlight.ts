// Highlight ranges for posts search results: where the query's terms and phrases occur in each
// post's text and title (src/query/highlight.ts: substring on normalized text, so 投訴 in a post
// is marked for the query 投诉). Ranges are [start, end) UTF-16 offsets into the text as the API
// returns it; the dashboard wraps them in <mark> elements, as text nodes, never markup.
import { compileQuery, highlightTerms, type CompiledQuery } from '../query/index.js';

export interface PostHighlight { text: [number, number][]; title: [number, number][] }

/** The positive terms of `q` found in each post (posts keep their order and fields; `highlight` is added). */
export function withHighlights<T extends { text?: unknown; title?: unknown }>(posts: T[], q: string | undefined): (T & { highlight?: PostHighlight })[] {
  if (!q?.trim() || posts.length === 0) return posts;
  let compiled: CompiledQuery;
  try { compiled = compileQuery(q); } catch { return posts; } // the search itself reports a bad query
  const spans = (v: unknown, field: 'text' | 'title'): [number, number][] =>
    typeof v === 'string' && v ? highlightTerms(compiled, v, { field }).map((s) => [s.start, s.end]) : [];
  return posts.map((p) => ({ ...p, highlight: { text: spans(p.text, 'text'), title: spans(p.title, 'title') } }));
}
