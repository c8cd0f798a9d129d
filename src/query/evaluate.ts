// Evaluates a query AST against one document through a TermLookup (where each text term occurs).
// The same evaluator serves the per-query matcher (indexOf lookups) and the many-topic matcher
// (Aho-Corasick scan), so both agree by construction on everything but the term scan.
import { normalizeForMatch } from '../text/normalize.js';
import type { QueryNode, TermNode } from './ast.js';

/** What a query is matched against. `text` and `title` must already be normalizeForMatch'ed. */
export interface MatchDoc {
  text: string;
  title?: string;
  source?: string;
  authorName?: string;
  authorId?: string;
}

/**
 * Positions live on one number line: the title at [0, title.length), the text from TEXT_BASE on,
 * so NEAR never pairs a title occurrence with a text occurrence.
 */
export const TEXT_BASE = 2 ** 40;

export interface TermLookup {
  /** sorted start positions of `value` (title positions < TEXT_BASE <= text positions) */
  positions(value: string): readonly number[];
  has(value: string, titleOnly: boolean): boolean;
}

interface Span { start: number; end: number }

export class DocContext {
  private authorNorm: string | undefined;
  constructor(readonly doc: MatchDoc, readonly lookup: TermLookup) {}
  authorName(): string {
    this.authorNorm ??= normalizeForMatch(this.doc.authorName);
    return this.authorNorm;
  }
}

export function evaluate(node: QueryNode, ctx: DocContext): boolean {
  switch (node.kind) {
    case 'term': return termMatches(node, ctx);
    case 'and': return node.children.every((c) => evaluate(c, ctx));
    case 'or': return node.children.some((c) => evaluate(c, ctx));
    case 'not': return !evaluate(node.child, ctx);
    case 'near': return spans(node, ctx).length > 0;
  }
}

function termMatches(t: TermNode, ctx: DocContext): boolean {
  switch (t.field) {
    case 'any': return ctx.lookup.has(t.value, false);
    case 'title': return ctx.lookup.has(t.value, true);
    case 'source': return (ctx.doc.source ?? '').toLowerCase() === t.value;
    case 'author':
      return (ctx.doc.authorId != null && ctx.doc.authorId === t.raw.trim()) || ctx.authorName().includes(t.value);
  }
}

/** gap in characters between two spans; 0 when they touch or overlap */
function gap(a: Span, b: Span): number {
  return Math.max(0, Math.max(a.start, b.start) - Math.min(a.end, b.end));
}

/** Occurrence spans of a positional node (text term, OR of them, NEAR). */
function spans(node: QueryNode, ctx: DocContext): Span[] {
  switch (node.kind) {
    case 'term': {
      const len = node.value.length;
      let ps = ctx.lookup.positions(node.value);
      if (node.field === 'title') ps = ps.filter((p) => p < TEXT_BASE);
      return ps.map((p) => ({ start: p, end: p + len }));
    }
    case 'or': return node.children.flatMap((c) => spans(c, ctx));
    case 'near': {
      const ls = spans(node.left, ctx);
      if (ls.length === 0) return [];
      const rs = spans(node.right, ctx).sort((a, b) => a.start - b.start);
      if (rs.length === 0) return [];
      const maxLen = rs.reduce((m, b) => Math.max(m, b.end - b.start), 0);
      const out: Span[] = [];
      const seen = new Set<string>();
      for (const a of ls) {
        // only right spans starting in [a.start - distance - maxLen, a.end + distance] can be near
        let lo = 0;
        let hi = rs.length;
        const from = a.start - node.distance - maxLen;
        while (lo < hi) { const mid = (lo + hi) >> 1; if (rs[mid].start < from) lo = mid + 1; else hi = mid; }
        for (let i = lo; i < rs.length && rs[i].start <= a.end + node.distance; i++) {
          const b = rs[i];
          if (gap(a, b) > node.distance) continue;
          const s = { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
          const key = `${s.start}:${s.end}`;
          if (!seen.has(key)) { seen.add(key); out.push(s); }
        }
      }
      return out;
    }
    default: return []; // the parser only allows positional nodes under NEAR
  }
}

/**
 * TermLookup for a single document by plain indexOf (overlapping occurrences included). The
 * document's title and text are read on first use, so a document whose fields are computed lazily
 * (posts search normalizes a row's text only when a text term needs it) pays only for what the
 * query looks at.
 */
export class IndexOfLookup implements TermLookup {
  private cache = new Map<string, number[]>();
  private fields: { title: string; text: string } | null = null;
  constructor(private readonly doc: Pick<MatchDoc, 'title' | 'text'>) {}

  private get title(): string { return (this.fields ??= { title: this.doc.title ?? '', text: this.doc.text ?? '' }).title; }
  private get text(): string { return (this.fields ??= { title: this.doc.title ?? '', text: this.doc.text ?? '' }).text; }

  has(value: string, titleOnly: boolean): boolean {
    return this.title.includes(value) || (!titleOnly && this.text.includes(value));
  }

  positions(value: string): readonly number[] {
    let ps = this.cache.get(value);
    if (!ps) {
      ps = [];
      for (let i = this.title.indexOf(value); i >= 0; i = this.title.indexOf(value, i + 1)) ps.push(i);
      for (let i = this.text.indexOf(value); i >= 0; i = this.text.indexOf(value, i + 1)) ps.push(TEXT_BASE + i);
      this.cache.set(value, ps);
    }
    return ps;
  }
}
