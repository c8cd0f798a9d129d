// The SQLite-to-PostgreSQL rewriting of store statements (src/db/pg/pg-dialect.ts), rule by rule,
// without a server: what each rewrite produces, and what it must leave alone (strings, comments,
// casts, quoted names).
import { describe, expect, it } from 'vitest';
import { toPostgres } from '../../src/db/pg/pg-dialect.js';

const pg = (sql: string) => toPostgres(sql).text;

describe('placeholders', () => {
  it('numbers positional ? in order, and names @name/:name/$name once each', () => {
    expect(toPostgres('SELECT * FROM t WHERE a = ? AND b = ?')).toMatchObject({ text: 'SELECT * FROM t WHERE a = $1 AND b = $2', positional: 2, names: null });
    const named = toPostgres('UPDATE t SET a = @a, b = :b WHERE id = @id AND a <> @a');
    expect(named.text).toBe('UPDATE t SET a = $1, b = $2 WHERE id = $3 AND a <> $1');
    expect(named.names).toEqual(['a', 'b', 'id']);
  });
  it('leaves question marks and colons inside strings, comments and casts alone', () => {
    expect(pg("SELECT '?' AS q, x::text FROM t -- why?\nWHERE y = ?")).toBe("SELECT '?' AS q, x::text FROM t  \nWHERE y = $1");
    expect(pg("SELECT 'it''s @here' FROM t WHERE a = ?")).toBe("SELECT 'it''s @here' FROM t WHERE a = $1");
  });
  it('refuses a statement that mixes named and positional parameters', () => {
    expect(() => toPostgres('SELECT * FROM t WHERE a = ? AND b = @b')).toThrow(/mixes/);
  });
});

describe('SQLite-only forms', () => {
  it('INSERT OR IGNORE becomes ON CONFLICT DO NOTHING, before RETURNING', () => {
    expect(pg('INSERT OR IGNORE INTO t (a) VALUES (?)')).toBe('INSERT  INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING');
    expect(pg('INSERT OR IGNORE INTO t (a) VALUES (?) RETURNING id')).toBe('INSERT  INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id');
    expect(() => pg('INSERT OR REPLACE INTO t (a) VALUES (1)')).toThrow(/ON CONFLICT/);
  });
  it('scalar min/max become least/greatest; aggregates stay', () => {
    expect(pg('SELECT max(a, b), min(a), max(c) FROM t')).toBe('SELECT greatest(a, b), min(a), max(c) FROM t');
  });
  it('ifnull, group_concat, round(x, n), CAST AS REAL and json_each over an array', () => {
    expect(pg('SELECT ifnull(a, 0) FROM t')).toBe('SELECT coalesce(a, 0) FROM t');
    expect(pg('SELECT group_concat(a) FROM t')).toBe("SELECT string_agg((a)::text, ',') FROM t");
    expect(pg("SELECT group_concat(a, ';') FROM t")).toBe("SELECT string_agg((a)::text, ';') FROM t");
    expect(pg('SELECT round(a * 1.5, 2) FROM t')).toBe('SELECT round((a * 1.5)::numeric, 2) FROM t');
    expect(pg('SELECT CAST(a AS REAL) FROM t')).toBe('SELECT CAST(a AS double precision) FROM t');
    expect(pg('SELECT b.value ->> 0 FROM json_each(?) b')).toBe('SELECT b.value ->> 0 FROM jsonb_array_elements(($1)::jsonb) b');
  });
  it("LIKE keeps SQLite's case rule (ILIKE)", () => {
    expect(pg("SELECT 1 FROM t WHERE a LIKE ? ESCAPE '\\'")).toBe("SELECT 1 FROM t WHERE a ILIKE $1 ESCAPE '\\'");
  });
  it('IS and IS NOT between values are null-safe comparisons; IS NULL stays', () => {
    expect(pg('SELECT 1 FROM t WHERE a IS ? AND b IS NOT ? AND c IS NULL AND d IS NOT NULL')).toBe(
      'SELECT 1 FROM t WHERE a IS NOT DISTINCT FROM $1 AND b IS DISTINCT FROM $2 AND c IS NULL AND d IS NOT NULL');
  });
  it('ORDER BY keeps SQLite NULL placement: first ascending, last descending, also inside OVER (...)', () => {
    expect(pg('SELECT a FROM t ORDER BY a, b DESC LIMIT 5')).toBe('SELECT a FROM t ORDER BY a NULLS FIRST, b DESC NULLS LAST LIMIT 5');
    expect(pg('SELECT a FROM t ORDER BY coalesce(a, b) DESC')).toBe('SELECT a FROM t ORDER BY coalesce(a, b) DESC NULLS LAST');
    expect(pg('SELECT row_number() OVER (ORDER BY a) FROM t')).toBe('SELECT row_number() OVER (ORDER BY a NULLS FIRST) FROM t');
    expect(pg('SELECT a FROM t ORDER BY a NULLS LAST')).toBe('SELECT a FROM t ORDER BY a NULLS LAST');
  });
  it('quotes camelCase aliases (PostgreSQL folds unquoted names), not types or lower-case names', () => {
    expect(pg('SELECT a AS jobId, b AS n, CAST(c AS INT) FROM t')).toBe('SELECT a AS "jobId", b AS n, CAST(c AS INT) FROM t');
  });
  it('marks writes and the table an INSERT goes into (for lastInsertRowid)', () => {
    expect(toPostgres('INSERT INTO notes (a) VALUES (?)')).toMatchObject({ write: true, insertInto: 'notes', returning: false });
    expect(toPostgres('DELETE FROM q WHERE pk = ? RETURNING is_new')).toMatchObject({ write: false, returning: true });
    expect(toPostgres('SELECT 1')).toMatchObject({ write: false, insertInto: null });
  });
});
