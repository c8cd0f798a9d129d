// Fuzzing the parser: any string either compiles or throws QuerySyntaxError with a sane column.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileQuery, QuerySyntaxError } from '../../src/query/index.js';

function check(q: string): void {
  try {
    const c = compileQuery(q);
    c.matches({ text: 'a 星河 ( ) and', title: 'x' });
  } catch (e) {
    if (!(e instanceof QuerySyntaxError)) throw e;
    expect(e.column).toBeGreaterThanOrEqual(1);
    expect(e.column).toBeLessThanOrEqual([...q].length + 1);
    expect(e.message.split('\n').length).toBeGreaterThanOrEqual(3);
  }
}

describe('query parser fuzz', () => {
  it('never throws anything but QuerySyntaxError on random strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (q) => check(q)), { numRuns: 2000 });
  });

  it('never throws anything but QuerySyntaxError on random token soup', () => {
    const tok = fc.constantFrom(
      'a', '星河', 'AND', 'OR', 'NOT', 'and', '-', '-a', '(', ')', '"', '"x y"', '\\"', 'NEAR/3', 'NEAR/', 'NEAR',
      'source:', 'source:weibo', 'title:', 'title:(', 'author:"某"', 'titel:x', ':', 'http://x', ' ', '\t', '　', 'Ａ', '😀',
    );
    fc.assert(fc.property(fc.array(tok, { maxLength: 12 }), (ts) => check(ts.join(''))), { numRuns: 3000 });
    fc.assert(fc.property(fc.array(tok, { maxLength: 12 }), (ts) => check(ts.join(' '))), { numRuns: 3000 });
  });
});

describe('hostile queries', () => {
  it('rejects absurd nesting with a QuerySyntaxError instead of overflowing the stack', () => {
    expect(() => compileQuery('('.repeat(5000) + 'a' + ')'.repeat(5000))).toThrow(QuerySyntaxError);
    expect(() => compileQuery('NOT '.repeat(5000) + 'a')).toThrow(QuerySyntaxError);
    expect(() => compileQuery('-'.repeat(5000) + 'a')).toThrow(QuerySyntaxError);
    expect(compileQuery('('.repeat(30) + 'a' + ')'.repeat(30)).matches({ text: 'a' })).toBe(true);
  });

  it('evaluates chained NEAR over many occurrences quickly', () => {
    const q = compileQuery('a NEAR/3 b NEAR/3 a NEAR/3 b');
    const text = 'ab'.repeat(5000);
    const t0 = performance.now();
    expect(q.matches({ text })).toBe(true);
    expect(q.matches({ text: 'a'.repeat(10000) })).toBe(false);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
