// highlightTerms: spans in the original (un-normalized) text for the dashboard.
import { describe, expect, it } from 'vitest';
import { compileQuery, highlightTerms } from '../../src/query/index.js';

const marks = (q: string, text: string, field?: 'text' | 'title') =>
  highlightTerms(q, text, { field }).map((s) => text.slice(s.start, s.end));

describe('highlightTerms', () => {
  it('finds positive terms, not excluded ones or filters', () => {
    expect(marks('(星河牛奶 OR 异物) -召回 source:weibo', '我的星河牛奶里有异物，没有召回')).toEqual(['星河牛奶', '异物']);
  });

  it('maps back to Traditional, full-width and spaced original text', () => {
    expect(marks('星河乳业 OR "xinghe dairy"', '今天 星河乳業 買了 XINGHE   Dairy！')).toEqual(['星河乳業', 'XINGHE   Dairy']);
    expect(marks('abc', '１ＡＢＣ２')).toEqual(['ＡＢＣ']);
  });

  it('merges overlapping spans and handles astral characters', () => {
    expect(marks('星河 OR 河乳', '😀星河乳业')).toEqual(['星河乳']);
    const spans = highlightTerms(compileQuery('乳业'), '😀星河乳业');
    expect(spans).toEqual([{ start: 4, end: 6, term: '乳业' }]);
  });

  it('includes title: terms only when highlighting a title', () => {
    expect(marks('title:召回 牛奶', '牛奶召回')).toEqual(['牛奶']);
    expect(marks('title:召回 牛奶', '牛奶召回', 'title')).toEqual(['牛奶', '召回']);
  });
});
