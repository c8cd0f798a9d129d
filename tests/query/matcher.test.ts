// Matching semantics of compileQuery, and the Aho-Corasick topic matcher agreeing with it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileQuery, createTopicMatcher, QuerySyntaxError, type MatchDoc } from '../../src/query/index.js';
import { normalizeForMatch } from '../../src/text/normalize.js';

const doc = (text: string, extra: Partial<MatchDoc> = {}): MatchDoc => ({
  text: normalizeForMatch(text),
  ...extra,
  title: extra.title === undefined ? undefined : normalizeForMatch(extra.title),
});
const m = (q: string, d: MatchDoc) => compileQuery(q).matches(d);

describe('compileQuery().matches', () => {
  const brand = '星河乳业 OR 星河牛奶 OR "Xinghe Dairy"';
  it('matches the contract example in Chinese and English', () => {
    expect(m(brand, doc('昨天买的星河牛奶喝出了异物'))).toBe(true);
    expect(m(brand, doc('I found glass in my XINGHE DAIRY yogurt'))).toBe(true);
    expect(m(brand, doc('Xinghe   dairy'))).toBe(true);
    expect(m(brand, doc('别家的牛奶也一样'))).toBe(false);
  });

  it('matches Traditional and full-width input against a Simplified query', () => {
    expect(m(brand, doc('星河乳業的牛奶有問題'))).toBe(true);
    expect(m('星河乳業', doc('星河乳业'))).toBe(true);
    expect(m('"xinghe dairy"', doc('ＸＩＮＧＨＥ　ＤＡＩＲＹ'))).toBe(true);
  });

  it('applies AND, OR, NOT and -', () => {
    const d = doc('星河牛奶 召回 通知');
    expect(m('星河 召回', d)).toBe(true);
    expect(m('星河 AND 下架', d)).toBe(false);
    expect(m('下架 OR 召回', d)).toBe(true);
    expect(m('星河 -召回', d)).toBe(false);
    expect(m('星河 NOT 下架', d)).toBe(true);
    expect(m('-下架', d)).toBe(true);
    expect(m('NOT (召回 OR 下架)', d)).toBe(false);
  });

  it('uses substring matching', () => {
    expect(m('牛奶', doc('星河牛奶好喝'))).toBe(true);
    expect(m('app', doc('the apple store'))).toBe(true);
  });

  it('NEAR/n counts the characters between the two terms, in either order', () => {
    const d = doc('星河牛奶喝出了异物');
    expect(m('牛奶 NEAR/3 异物', d)).toBe(true); // 喝出了 = 3 characters between
    expect(m('牛奶 NEAR/2 异物', d)).toBe(false);
    expect(m('异物 NEAR/3 牛奶', d)).toBe(true);
    expect(m('牛奶 NEAR/0 喝出', d)).toBe(true);
    expect(m('(异物 OR 玻璃) NEAR/5 "星河牛奶"', d)).toBe(true);
    expect(m('星河 NEAR/0 牛奶 NEAR/3 异物', d)).toBe(true);
  });

  it('never pairs a title occurrence with a text occurrence in NEAR', () => {
    const d = doc('异物', { title: '星河牛奶' });
    expect(m('牛奶 异物', d)).toBe(true);
    expect(m('牛奶 NEAR/5 异物', d)).toBe(false);
  });

  it('restricts title: to the title', () => {
    const d = doc('正文里有召回', { title: '星河牛奶下架' });
    expect(m('title:下架', d)).toBe(true);
    expect(m('title:召回', d)).toBe(false);
    expect(m('召回', d)).toBe(true);
    expect(m('下架', d)).toBe(true);
    expect(m('title:(召回 OR 下架)', d)).toBe(true);
  });

  it('matches source: exactly (case-insensitive) and author: by name substring or id', () => {
    const d = doc('星河牛奶', { source: 'Weibo', authorName: '消費者協會官方', authorId: '1669879400' });
    expect(m('source:weibo 星河', d)).toBe(true);
    expect(m('source:wei', d)).toBe(false);
    expect(m('-source:tieba', d)).toBe(true);
    expect(m('author:消费者协会', d)).toBe(true);
    expect(m('author:1669879400', d)).toBe(true);
    expect(m('author:166987', d)).toBe(false);
    expect(m('author:"某某"', d)).toBe(false);
    expect(m('source:(tieba OR weibo)', d)).toBe(true);
  });
});

describe('NEAR against brute force', () => {
  const occurrences = (text: string, term: string) => {
    const out: number[] = [];
    for (let i = text.indexOf(term); i >= 0; i = text.indexOf(term, i + 1)) out.push(i);
    return out;
  };
  it('is true exactly when some pair of occurrences has at most n characters between them', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', '星'), maxLength: 40 }),
        fc.constantFrom('a', 'ab', 'ba', 'c', '星a'), fc.constantFrom('b', 'bc', 'a', '星'), fc.integer({ min: 0, max: 6 }),
        (text, x, y, n) => {
          const expected = occurrences(text, x).some((i) => occurrences(text, y).some((j) =>
            Math.max(0, Math.max(i, j) - Math.min(i + x.length, j + y.length)) <= n));
          expect(compileQuery(`"${x}" NEAR/${n} "${y}"`).matches({ text })).toBe(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('createTopicMatcher', () => {
  const topics = [
    { id: 'dairy', query: '星河乳业 OR 星河牛奶 OR "Xinghe Dairy"' },
    { id: 'express', query: '云帆快递 OR 云帆速运' },
    { id: 'recall', query: '(召回 OR 下架) -演习' },
    { id: 'not-weibo', query: '-source:weibo' },
    { id: 'near', query: '牛奶 NEAR/4 异物' },
  ];
  const tm = createTopicMatcher(topics);

  it('returns the matching topic ids in topic order', () => {
    expect(tm.match(doc('星河牛奶喝出异物，要求召回', { source: 'weibo' }))).toEqual(['dairy', 'recall', 'near']);
    expect(tm.match(doc('云帆快递丢件', { source: 'tieba' }))).toEqual(['express', 'not-weibo']);
    expect(tm.match(doc('nothing here', { source: 'weibo' }))).toEqual([]);
  });

  it('lists all positive terms for the jieba dictionary', () => {
    expect(tm.terms()).toEqual(['星河乳业', '星河牛奶', 'xinghe dairy', '云帆快递', '云帆速运', '召回', '下架', '牛奶', '异物']);
  });

  it('reports the topic of an invalid query and rejects duplicate ids', () => {
    try {
      createTopicMatcher([{ id: 'ok', query: 'a' }, { id: 'bad', query: 'a OR' }]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(QuerySyntaxError);
      expect((e as QuerySyntaxError).topicId).toBe('bad');
      expect((e as QuerySyntaxError).column).toBe(5);
    }
    expect(() => createTopicMatcher([{ id: 'x', query: 'a' }, { id: 'x', query: 'b' }])).toThrow(RangeError);
  });

  it('handles overlapping and nested patterns (Aho-Corasick failure links)', () => {
    const t = createTopicMatcher([
      { id: 'he', query: 'he' }, { id: 'she', query: 'she' }, { id: 'hers', query: 'hers' }, { id: 'his', query: 'his' },
      { id: 'near', query: 'she NEAR/0 rs' },
    ]);
    expect(t.match(doc('ushers'))).toEqual(['he', 'she', 'hers', 'near']);
    expect(t.match(doc('ahishers'))).toEqual(['he', 'she', 'hers', 'his', 'near']);
  });

  // Random queries over a tiny alphabet so that terms overlap and occur often.
  const atom = fc.oneof(
    fc.constantFrom('a', 'b', 'ab', 'ba', 'aab', '星', '星河', '河乳', 'abc', 'c'),
    fc.constantFrom('"a b"', '"星河 乳"', 'title:a', 'title:星河', 'source:weibo', 'source:tieba', 'author:甲', 'author:u1'),
  );
  const query: fc.Arbitrary<string> = fc.letrec<{ q: string; pos: string }>((tie) => ({
    pos: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom('a', 'b', 'ab', '星河', '河乳', '"a b"', 'title:a', 'c'),
      fc.tuple(tie('pos'), fc.integer({ min: 0, max: 4 }), tie('pos')).map(([l, n, r]) => `(${l} NEAR/${n} ${r})`),
      fc.tuple(tie('pos'), tie('pos')).map(([l, r]) => `(${l} OR ${r})`),
    ),
    q: fc.oneof(
      { depthSize: 'small' },
      atom,
      tie('pos'),
      fc.tuple(tie('q'), tie('q')).map(([l, r]) => `${l} ${r}`),
      fc.tuple(tie('q'), tie('q')).map(([l, r]) => `(${l} OR ${r})`),
      fc.tuple(tie('q'), tie('q')).map(([l, r]) => `${l} AND ${r}`),
      tie('q').map((x) => `NOT ${x}`),
      tie('q').map((x) => `-(${x})`),
    ),
  })).q;
  const text = fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' ', '星', '河', '乳', 'x'), maxLength: 30 });
  const mdoc = fc.record({
    text,
    title: fc.option(text, { nil: undefined }),
    source: fc.constantFrom('weibo', 'tieba', undefined),
    authorName: fc.constantFrom('甲乙', '丙', undefined),
    authorId: fc.constantFrom('u1', 'u2', undefined),
  });

  it('agrees with matching each query on its own (property)', () => {
    fc.assert(
      fc.property(fc.array(query, { minLength: 1, maxLength: 8 }), fc.array(mdoc, { minLength: 1, maxLength: 10 }), (qs, docs) => {
        const topics = qs.map((q, i) => ({ id: `t${i}`, query: q }));
        const compiled = topics.map((t) => ({ id: t.id, q: compileQuery(t.query) }));
        const tm = createTopicMatcher(topics);
        for (const d0 of docs) {
          const d = { ...d0, text: normalizeForMatch(d0.text), title: d0.title === undefined ? undefined : normalizeForMatch(d0.title) };
          expect(tm.match(d)).toEqual(compiled.filter((c) => c.q.matches(d)).map((c) => c.id));
        }
      }),
      { numRuns: 400 },
    );
  });
});
