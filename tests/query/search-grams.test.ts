// The gram index's promise (src/query/search-grams.ts): for any query and any post, if the query
// evaluator matches the post, the post's tokens satisfy the query's FTS5 expression, so narrowing
// by the index never loses a result. Checked on a real FTS5 table with random posts and queries
// over a small alphabet (so terms often occur), Traditional and full-width input included.
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { compileQuery, QuerySyntaxError } from '../../src/query/index.js';
import { docTokens, gramExpression, gramToken, substringExpression } from '../../src/query/search-grams.js';
import { normalizeForMatch } from '../../src/text/normalize.js';

const CHARS = ['乳', '业', '投', '诉', '訴', '業', 'a', 'B', 'Ａ', ' ', '😀', '的'];
const SOURCES = ['weibo', 'Tieba', 'rss'];
const AUTHORS = ['张三', '張三', '李四', 'Bob'];

interface Post { text: string; title: string; source: string; authorId: string; authorName: string }

const post = fc.record({
  text: fc.array(fc.constantFrom(...CHARS), { maxLength: 14 }).map((a) => a.join('')),
  title: fc.array(fc.constantFrom(...CHARS), { maxLength: 4 }).map((a) => a.join('')),
  source: fc.constantFrom(...SOURCES),
  authorId: fc.constantFrom('u1', 'u2'),
  authorName: fc.constantFrom(...AUTHORS),
});
const term = fc.array(fc.constantFrom(...CHARS.filter((c) => c !== ' ')), { minLength: 1, maxLength: 4 }).map((a) => a.join(''));
const atom = fc.oneof(
  term,
  term.map((t) => `title:${t}`),
  fc.constantFrom(...SOURCES, 'nosuch').map((s) => `source:${s}`),
  fc.constantFrom('张', '張三', '李', 'bob', 'u1').map((a) => `author:${a}`),
);
const query: fc.Arbitrary<string> = fc.letrec<{ q: string }>((tie) => ({
  q: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.tuple(tie('q'), tie('q')).map(([a, b]) => `(${a} ${b})`),
    fc.tuple(tie('q'), tie('q')).map(([a, b]) => `(${a} OR ${b})`),
    tie('q').map((a) => `-(${a})`),
    fc.tuple(term, term, fc.integer({ min: 0, max: 4 })).map(([a, b, n]) => `${a} NEAR/${n} ${b}`),
  ),
})).q;

function matchDoc(p: Post) {
  return { text: normalizeForMatch(`${p.title} ${p.text}`), title: p.title ? normalizeForMatch(p.title) : '', source: p.source, authorId: p.authorId, authorName: p.authorName };
}

describe('gram index expressions', () => {
  it('never exclude a post the query evaluator matches (random posts and queries on FTS5)', () => {
    const db = new Database(':memory:');
    db.exec("CREATE VIRTUAL TABLE g USING fts5 (grams, content = '', contentless_delete = 1, detail = none, tokenize = 'ascii')");
    const ins = db.prepare('INSERT INTO g (rowid, grams) VALUES (?, ?)');
    const find = db.prepare('SELECT rowid FROM g WHERE g MATCH ?').pluck();
    fc.assert(fc.property(fc.array(post, { minLength: 1, maxLength: 25 }), fc.array(query, { minLength: 1, maxLength: 5 }), (posts, queries) => {
      db.exec('DELETE FROM g');
      posts.forEach((p, i) => {
        const d = matchDoc(p);
        ins.run(i + 1, docTokens({ ...d, authorName: normalizeForMatch(d.authorName) }));
      });
      for (const src of queries) {
        let q;
        try { q = compileQuery(src); } catch (e) { if (e instanceof QuerySyntaxError) continue; throw e; }
        const expr = gramExpression(q.ast);
        const matching = posts.map((p, i) => (q.matches(matchDoc(p)) ? i + 1 : 0)).filter(Boolean);
        if (expr === null) continue; // not narrowable: the search scans
        const candidates = new Set(find.all(expr) as number[]);
        for (const pk of matching) expect(candidates.has(pk), `${src} -> ${expr} lost post ${pk}: ${JSON.stringify(posts[pk - 1])}`).toBe(true);
      }
    }), { numRuns: 300 });
  });

  it('find a post by every substring of its normalized text, typed as written or in Traditional', () => {
    const db = new Database(':memory:');
    db.exec("CREATE VIRTUAL TABLE g USING fts5 (grams, content = '', contentless_delete = 1, detail = none, tokenize = 'ascii')");
    const ins = db.prepare('INSERT INTO g (rowid, grams) VALUES (?, ?)');
    const find = db.prepare('SELECT rowid FROM g WHERE g MATCH ?').pluck();
    fc.assert(fc.property(post, (p) => {
      db.exec('DELETE FROM g');
      const d = matchDoc(p);
      ins.run(1, docTokens({ ...d, authorName: normalizeForMatch(d.authorName) }));
      for (let i = 0; i < d.text.length; i++)
        for (let n = 1; n <= 5 && i + n <= d.text.length; n++) {
          const sub = d.text.slice(i, i + n);
          if (!sub.trim() || sub !== sub.trim()) continue; // a term is trimmed
          expect(find.all(substringExpression(sub)), sub).toEqual([1]);
        }
    }), { numRuns: 300 });
  });

  it('one and two characters are one token; longer terms need all their pairs', () => {
    expect(substringExpression('乳')).toBe(`"${gramToken('乳')}"`);
    expect(substringExpression('乳业')).toBe(`"${gramToken('乳业')}"`);
    expect(substringExpression('云雀乳业')).toBe(['云雀', '雀乳', '乳业'].map((g) => `"${gramToken(g)}"`).join(' AND '));
    expect(gramToken('投诉')).toBe('62958bc9');
    expect(gramExpression(compileQuery('-召回').ast)).toBeNull();
    expect(gramExpression(compileQuery('a OR -b').ast)).toBeNull();
    expect(gramExpression(compileQuery('source:Weibo').ast)).toBe(`"${gramToken('weibo', 's')}"`);
  });

  it('refuses NUL and other control characters in a query, showing where', () => {
    for (const q of ['a\u0000b', '\u0001', '召回\u007f']) {
      try { compileQuery(q); expect.unreachable(q); } catch (e) {
        expect(e).toBeInstanceOf(QuerySyntaxError);
        expect((e as QuerySyntaxError).message).toMatch(/control character U\+00(00|01|7F)/);
      }
    }
    expect(compileQuery('a\tb').matches({ text: 'a b' })).toBe(true); // tab is whitespace
  });
});
