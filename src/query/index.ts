// Public API of the watch-topic query language (contracts §4): compile one query, match many
// topics at once, highlight matched terms. See parser.ts for the grammar.
export { compileQuery, type CompiledQuery } from './compile.js';
export { createTopicMatcher, type TopicMatcher } from './topic-matcher.js';
export { highlightTerms, type TermSpan } from './highlight.js';
export { QuerySyntaxError } from './errors.js';
export type { MatchDoc } from './evaluate.js';
export type { QueryNode, TermField } from './ast.js';
export { formatQuery } from './ast.js';
