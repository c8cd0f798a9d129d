// Parser: precedence, every operator, field filters, escapes, and syntax errors with columns.
import { describe, expect, it } from 'vitest';
import { compileQuery, formatQuery, QuerySyntaxError } from '../../src/query/index.js';

const fmt = (q: string) => formatQuery(compileQuery(q).ast);

function syntaxError(q: string): QuerySyntaxError {
  try {
    compileQuery(q);
  } catch (e) {
    expect(e).toBeInstanceOf(QuerySyntaxError);
    return e as QuerySyntaxError;
  }
  throw new Error(`expected a syntax error for ${q}`);
}

describe('query parser', () => {
  it('parses the contract example', () => {
    expect(fmt('星河乳业 OR 星河牛奶 OR "Xinghe Dairy"')).toBe('(星河乳业 OR 星河牛奶 OR "xinghe dairy")');
  });

  it('gives NOT > AND > OR, with implicit AND between adjacent terms', () => {
    expect(fmt('a b OR c')).toBe('((a AND b) OR c)');
    expect(fmt('a OR b c')).toBe('(a OR (b AND c))');
    expect(fmt('a AND b OR c AND d')).toBe('((a AND b) OR (c AND d))');
    expect(fmt('NOT a b')).toBe('(NOT a AND b)');
    expect(fmt('NOT a OR b')).toBe('(NOT a OR b)');
    expect(fmt('a (b OR c)')).toBe('(a AND (b OR c))');
    expect(fmt('NOT (a OR b)')).toBe('NOT (a OR b)');
    expect(fmt('NOT NOT a')).toBe('NOT NOT a');
  });

  it('reads a leading - as NOT, but keeps inner dashes in terms', () => {
    expect(fmt('牛奶 -召回')).toBe('(牛奶 AND NOT 召回)');
    expect(fmt('-(a OR b) c')).toBe('(NOT (a OR b) AND c)');
    expect(fmt('covid-19')).toBe('covid-19');
  });

  it('treats only upper-case operators as operators', () => {
    expect(fmt('rock and roll')).toBe('(rock AND and AND roll)');
    expect(fmt('this or that')).toBe('(this AND or AND that)');
    expect(fmt('not a')).toBe('(not AND a)');
  });

  it('parses NEAR/n tighter than NOT and AND', () => {
    expect(fmt('a NEAR/5 b')).toBe('(a NEAR/5 b)');
    expect(fmt('a NEAR/5 b c')).toBe('((a NEAR/5 b) AND c)');
    expect(fmt('NOT a NEAR/2 b')).toBe('NOT (a NEAR/2 b)');
    expect(fmt('(a OR b) NEAR/3 "c d"')).toBe('((a OR b) NEAR/3 "c d")');
    expect(fmt('a NEAR/1 b NEAR/2 c')).toBe('((a NEAR/1 b) NEAR/2 c)');
  });

  it('parses field filters on terms, phrases and groups', () => {
    expect(fmt('source:weibo')).toBe('source:weibo');
    expect(fmt('source:Weibo')).toBe('source:weibo');
    expect(fmt('author:"某某 官方"')).toBe('author:"某某 官方"');
    expect(fmt('title:召回 牛奶')).toBe('(title:召回 AND 牛奶)');
    expect(fmt('title:(召回 OR 下架)')).toBe('(title:召回 OR title:下架)');
    expect(fmt('Title:召回')).toBe('title:召回');
    expect(fmt('http://x.cn/a')).toBe('http://x.cn/a');
    expect(fmt('foo:bar')).toBe('foo:bar');
  });

  it('unescapes quotes and backslashes in phrases', () => {
    const q = compileQuery('"say \\"hi\\"" OR "a\\\\b"');
    expect(q.terms).toEqual(['say "hi"', 'a\\b']);
  });

  it('normalizes terms: Traditional, full-width and upper case', () => {
    expect(compileQuery('星河乳業 ＡＢＣ "Xinghe  Dairy"').terms).toEqual(['星河乳业', 'abc', 'xinghe dairy']);
  });

  it('lists only positive text terms', () => {
    expect(compileQuery('(a OR b) -c NOT (d OR -e) source:weibo author:x title:f').terms).toEqual(['a', 'b', 'e', 'f']);
  });
});

describe('query syntax errors', () => {
  const cases: [string, number, RegExp][] = [
    ['', 1, /empty query/],
    ['   ', 1, /empty query/],
    ['OR a', 1, /OR needs a term on its left/],
    ['a OR', 5, /expected a term after OR/],
    ['a AND OR b', 7, /expected a term after AND/],
    ['星河乳业 OR', 8, /after OR/],
    ['(a OR b', 8, /expected '\)' to close the '\(' at column 1/],
    ['a OR b)', 7, /unmatched '\)'/],
    ['()', 2, /empty or unmatched/],
    ['"open phrase', 1, /unterminated/],
    ['a ""', 3, /empty quoted phrase/],
    ['a NEAR/x b', 3, /not a valid NEAR/],
    ['a NEAR b', 3, /not a valid NEAR/],
    ['a NEAR/5', 9, /after NEAR\/5/],
    ['a NEAR/5 -b', 10, /after NEAR\/5/],
    ['a NEAR/5 source:weibo', 10, /NEAR needs terms/],
    ['NOT', 4, /after NOT/],
    ['a - b', 3, /lone '-'/],
    ['source: weibo', 8, /needs a value right after the colon/],
    ['title:', 7, /needs a value/],
    ['titel:召回', 1, /unknown field 'titel:'/],
    ['title:(author:x)', 8, /inside a title: group/],
    ['a NEAR/99999 b', 3, /too large/],
  ];
  it.each(cases)('%j fails at column %i', (q, col, re) => {
    const e = syntaxError(q);
    expect(e.column).toBe(col);
    expect(e.message.split('\n')[0]).toMatch(re);
  });

  it('draws a caret under the column, padding under wide characters', () => {
    const e = syntaxError('星河乳业 OR');
    const [, line, caret] = e.message.split('\n');
    expect(line).toBe('  星河乳业 OR');
    expect(caret).toBe('  \u3000\u3000\u3000\u3000   ^');
    expect(e.message).toMatch(/hint: /);
  });

  it('counts columns in characters, not UTF-16 units', () => {
    expect(syntaxError('😀 OR').column).toBe(5);
  });

  it('suggests the field when a field name is misspelled', () => {
    expect(syntaxError('sorce:weibo').message).toMatch(/did you mean source:/);
  });
});
