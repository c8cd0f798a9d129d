// compileQuery: parse once, then match single documents by plain substring search. The reference
// matcher for one query; createTopicMatcher does the same for many queries with one scan.
import { collectTerms, isTextTerm, type QueryNode } from './ast.js';
import { DocContext, IndexOfLookup, evaluate, type MatchDoc } from './evaluate.js';
import { parseQuery } from './parser.js';

export interface CompiledQuery {
  /** the query as written */
  source: string;
  /** positive text terms (normalized), de-duplicated: brand names for the jieba user dictionary */
  terms: string[];
  ast: QueryNode;
  matches(doc: MatchDoc): boolean;
}

/** Positive text terms (not under an odd number of NOTs), unique, in query order. */
export function positiveTextTerms(ast: QueryNode): string[] {
  const seen = new Set<string>();
  for (const { term, positive } of collectTerms(ast)) if (positive && isTextTerm(term)) seen.add(term.value);
  return [...seen];
}

/** Parses `src`; throws QuerySyntaxError (with `.column`) when it is not a valid query. */
export function compileQuery(src: string): CompiledQuery {
  const ast = parseQuery(src);
  return {
    source: src,
    terms: positiveTextTerms(ast),
    ast,
    matches(doc: MatchDoc): boolean {
      return evaluate(ast, new DocContext(doc, new IndexOfLookup(doc)));
    },
  };
}
