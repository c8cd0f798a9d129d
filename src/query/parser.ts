// Recursive-descent parser for watch-topic queries. Grammar (NEAR > NOT > AND > OR):
//   or      := and ( OR and )*
//   and     := unary ( [AND] unary )*          adjacent terms are an implicit AND
//   unary   := ( NOT | - ) unary | near
//   near    := primary ( NEAR/n primary )*     operands must be text terms, phrases or groups of them
//   primary := term | "phrase" | ( or ) | field:primary   field = source | author | title
import { normalizeForMatch } from '../text/normalize.js';
import type { QueryNode, TermField, TermNode } from './ast.js';
import { QuerySyntaxError, columnOf, type QueryProblem } from './errors.js';
import { tokenize, type Token } from './tokenizer.js';

const MAX_DEPTH = 64;

const DESCRIBE: Record<Token['kind'], string> = {
  lparen: "'('", rparen: "')'", and: 'AND', or: 'OR', not: 'NOT', minus: "'-'", near: 'NEAR',
  term: 'a term', field: 'a field', eof: 'the end of the query',
};

export function parseQuery(src: string): QueryNode {
  return new Parser(src).parse();
}

class Parser {
  private readonly toks: Token[];
  private pos = 0;
  /** field imposed by an enclosing `title:( ... )` group */
  private field: TermField = 'any';
  /** nesting of groups and NOTs, bounded so a hostile query cannot overflow the stack */
  private depth = 0;

  constructor(private readonly src: string) {
    this.toks = tokenize(src);
  }

  parse(): QueryNode {
    if (this.peek().kind === 'eof') this.fail(0, 'empty query', 'write at least one term, e.g. 星河乳业 OR "Xinghe Dairy"', 'empty-query');
    const node = this.parseOr();
    const t = this.peek();
    if (t.kind === 'rparen') this.fail(t.index, "unmatched ')'", "remove it or add the matching '(' before it", 'unmatched-paren');
    if (t.kind !== 'eof') this.fail(t.index, `unexpected ${DESCRIBE[t.kind]}`, undefined, 'unexpected');
    return node;
  }

  private peek(): Token { return this.toks[this.pos]; }
  private next(): Token { return this.toks[this.pos++]; }

  private fail(index: number, problem: string, hint: string | undefined, code: QueryProblem): never {
    throw new QuerySyntaxError(this.src, columnOf(this.src, index), problem, hint, code);
  }

  private startsOperand(t: Token): boolean {
    return t.kind === 'term' || t.kind === 'field' || t.kind === 'lparen' || t.kind === 'not' || t.kind === 'minus';
  }

  private expectOperand(after: string): void {
    const t = this.peek();
    if (this.startsOperand(t)) return;
    this.fail(t.index, `expected a term after ${after}, found ${DESCRIBE[t.kind]}`,
      t.kind === 'eof' ? `finish the query or remove the trailing ${after}` : undefined, 'expected-term');
  }

  private parseOr(): QueryNode {
    this.checkOperandStart();
    const children = [this.parseAnd()];
    while (this.peek().kind === 'or') {
      this.next();
      this.expectOperand('OR');
      children.push(this.parseAnd());
    }
    return children.length === 1 ? children[0] : { kind: 'or', children };
  }

  /** a binary operator where an operand should start, e.g. `OR a` or `(AND b)` */
  private checkOperandStart(): void {
    const t = this.peek();
    if (t.kind === 'and' || t.kind === 'or' || t.kind === 'near')
      this.fail(t.index, `${DESCRIBE[t.kind]} needs a term on its left`, 'put a term before it, or quote it to search for the word itself', 'missing-left');
    if (t.kind === 'rparen') this.fail(t.index, "empty or unmatched ')'", "put a term between '(' and ')', or remove the ')'", 'unmatched-paren');
    if (t.kind === 'eof') this.fail(t.index, 'expected a term, found the end of the query', undefined, 'expected-term');
  }

  private parseAnd(): QueryNode {
    const children = [this.parseUnary()];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'and') {
        this.next();
        this.expectOperand('AND');
        children.push(this.parseUnary());
      } else if (this.startsOperand(t)) {
        children.push(this.parseUnary());
      } else break;
    }
    return children.length === 1 ? children[0] : { kind: 'and', children };
  }

  private enter(index: number): void {
    if (++this.depth > MAX_DEPTH) this.fail(index, `query nested more than ${MAX_DEPTH} levels deep`, 'simplify the parentheses and NOTs', 'too-deep');
  }

  private parseUnary(): QueryNode {
    const t = this.peek();
    if (t.kind === 'not' || t.kind === 'minus') {
      this.next();
      this.expectOperand(t.kind === 'not' ? 'NOT' : "'-'");
      this.enter(t.index);
      try { return { kind: 'not', child: this.parseUnary() }; } finally { this.depth--; }
    }
    return this.parseNear();
  }

  private parseNear(): QueryNode {
    this.checkOperandStart();
    let left = this.parsePrimary();
    while (this.peek().kind === 'near') {
      const op = this.next() as Extract<Token, { kind: 'near' }>;
      const t = this.peek();
      if (t.kind !== 'term' && t.kind !== 'field' && t.kind !== 'lparen')
        this.fail(t.index, `expected a term after NEAR/${op.distance}, found ${DESCRIBE[t.kind]}`,
          'NEAR joins two terms or phrases, e.g. 牛奶 NEAR/5 异物', 'near-operand');
      const right = this.parsePrimary();
      for (const [side, idx] of [[left, op.index], [right, t.index]] as const)
        if (!positional(side))
          this.fail(idx, 'NEAR needs terms or phrases on both sides',
            'source:/author: filters and NOT have no position in the text; use AND for them', 'near-operand');
      left = { kind: 'near', left, right, distance: op.distance };
    }
    return left;
  }

  private parsePrimary(): QueryNode {
    const t = this.next();
    switch (t.kind) {
      case 'term': return this.term(t, this.field);
      case 'lparen': {
        this.enter(t.index);
        const node = this.parseOr();
        this.depth--;
        const close = this.peek();
        if (close.kind !== 'rparen')
          this.fail(close.index, `expected ')' to close the '(' at column ${columnOf(this.src, t.index)}, found ${DESCRIBE[close.kind]}`,
            "add the missing ')'", 'unclosed-paren');
        this.next();
        return node;
      }
      case 'field': {
        if (this.field !== 'any') this.fail(t.index, `${t.name}: inside a ${this.field}: group`, 'a field filter cannot be nested in another', 'nested-field');
        const v = this.peek();
        if (v.index !== t.end || (v.kind !== 'term' && v.kind !== 'lparen'))
          this.fail(t.end, `${t.name}: needs a value right after the colon`,
            `e.g. ${t.name === 'source' ? 'source:weibo' : t.name === 'author' ? 'author:"某某"' : 'title:召回'} (no space after ':')`, 'field-value');
        if (v.kind === 'term') { this.next(); return this.term(v, t.name); }
        this.field = t.name;
        try { return this.parsePrimary(); } finally { this.field = 'any'; }
      }
      default:
        return this.fail(t.index, `expected a term, found ${DESCRIBE[t.kind]}`, undefined, 'expected-term');
    }
  }

  private term(t: Extract<Token, { kind: 'term' }>, field: TermField): TermNode {
    const raw = t.text;
    const value = field === 'source' ? raw.trim().toLowerCase() : normalizeForMatch(raw);
    if (value === '') this.fail(t.index, 'this term is empty after normalization', 'remove it or write a real word', 'empty-term');
    return { kind: 'term', field, value, raw, phrase: t.quoted, column: columnOf(this.src, t.index) };
  }
}

/** NEAR operands: text terms, and OR / NEAR combinations of them (they have positions). */
function positional(n: QueryNode): boolean {
  switch (n.kind) {
    case 'term': return n.field === 'any' || n.field === 'title';
    case 'or': return n.children.every(positional);
    case 'near': return true;
    default: return false;
  }
}
