// QuerySyntaxError: a watch-topic query that does not parse. Carries the 1-based column (in
// characters), a stable code for the kind of problem (the dashboard words it in the reader's
// language) and renders the query with a caret under that column, so a PR manager can see and fix
// the spot.
import { UserError } from '../core/errors.js';

/** East Asian wide characters take two terminal cells; pad with an ideographic space under them. */
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3040-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u;

/** What went wrong, as a stable identifier (the message is English; interfaces translate the code). */
export type QueryProblem = 'empty-query' | 'unmatched-paren' | 'unclosed-paren' | 'expected-term' | 'unexpected' | 'missing-left'
  | 'near-operand' | 'bad-near' | 'near-too-far' | 'unterminated-phrase' | 'empty-phrase' | 'lone-minus' | 'unknown-field'
  | 'field-value' | 'nested-field' | 'empty-term' | 'control-char' | 'too-deep';

function caretLine(src: string, column: number): string {
  const chars = [...src];
  let pad = '';
  for (let i = 0; i < column - 1 && i < chars.length; i++) {
    const c = chars[i];
    pad += c === '\t' ? '\t' : WIDE.test(c) ? '\u3000' : ' ';
  }
  for (let i = chars.length; i < column - 1; i++) pad += ' ';
  return `${pad}^`;
}

/** The query as one printable line: line breaks as spaces, other control characters as their symbols (U+0000 as ␀). */
function printable(query: string): string {
  // eslint-disable-next-line no-control-regex
  return query.replace(/[\r\n]/g, ' ').replace(/[\u0000-\u001f]/g, (c) => String.fromCharCode(0x2400 + c.charCodeAt(0))).replace(/\u007f/g, '\u2421');
}

/** 1-based column (in characters, not UTF-16 units) of a UTF-16 index into `src`. */
export function columnOf(src: string, index: number): number {
  return [...src.slice(0, Math.max(0, index))].length + 1;
}

export class QuerySyntaxError extends UserError {
  override name = 'QuerySyntaxError';
  /** the topic whose query failed, when known (set by createTopicMatcher) */
  topicId?: string;
  constructor(
    readonly query: string,
    readonly column: number,
    readonly problem: string,
    hint?: string,
    readonly code: QueryProblem | null = null,
  ) {
    // first line is the problem alone: config loaders show it next to "file line N"
    super(`${problem}\n  ${printable(query)}\n  ${caretLine(printable(query), column)}`, hint);
  }
}
