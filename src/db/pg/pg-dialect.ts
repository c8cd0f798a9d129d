// SQLite SQL to PostgreSQL, for the store's statements: placeholders (`?`, `?NNN`, `@name`,
// `:name`, `$name`) become `$n`, and the differences that would change results are rewritten:
// INSERT OR IGNORE, scalar min/max, ifnull, group_concat, LIKE's case rule, NULL ordering
// (SQLite sorts NULL first ascending), IS / IS NOT between values, round(x, n), CAST AS REAL,
// json_each over an array, and
// camelCase aliases (PostgreSQL folds unquoted names to lower case). What cannot be rewritten this
// way stays per dialect in the store module that owns it.

export interface PgStatementText {
  /** the PostgreSQL text */
  text: string;
  /** named parameters in $n order (named statements), or null (positional) */
  names: string[] | null;
  /** positional placeholders counted */
  positional: number;
  /** the statement is an INSERT, UPDATE or DELETE without RETURNING */
  write: boolean;
  /** target table of an INSERT (for lastInsertRowid) */
  insertInto: string | null;
  /** the statement has RETURNING */
  returning: boolean;
}

interface Token { kind: 'word' | 'str' | 'ident' | 'punct' | 'space' | 'param' | 'num'; text: string }

function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (c === "'") {
      let j = i + 1;
      for (;;) {
        if (j >= n) break;
        if (sql[j] === "'") { if (sql[j + 1] === "'") { j += 2; continue; } break; }
        j++;
      }
      out.push({ kind: 'str', text: sql.slice(i, j + 1) }); i = j + 1; continue;
    }
    if (c === '"' || c === '`') {
      const j = sql.indexOf(c, i + 1);
      const end = j < 0 ? n : j + 1;
      out.push({ kind: 'ident', text: '"' + sql.slice(i + 1, end - 1) + '"' }); i = end; continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      const j = sql.indexOf('\n', i);
      const end = j < 0 ? n : j;
      out.push({ kind: 'space', text: ' ' }); i = end; continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const j = sql.indexOf('*/', i + 2);
      out.push({ kind: 'space', text: ' ' }); i = j < 0 ? n : j + 2; continue;
    }
    if (/\s/.test(c)) {
      let j = i + 1;
      while (j < n && /\s/.test(sql[j])) j++;
      out.push({ kind: 'space', text: sql.slice(i, j) }); i = j; continue;
    }
    if (c === '?') {
      let j = i + 1;
      while (j < n && /\d/.test(sql[j])) j++;
      out.push({ kind: 'param', text: sql.slice(i, j) }); i = j; continue;
    }
    if ((c === '@' || c === '$' || (c === ':' && sql[i + 1] !== ':' && sql[i - 1] !== ':')) && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      let j = i + 1;
      while (j < n && /\w/.test(sql[j])) j++;
      out.push({ kind: 'param', text: sql.slice(i, j) }); i = j; continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w$]/.test(sql[j])) j++;
      out.push({ kind: 'word', text: sql.slice(i, j) }); i = j; continue;
    }
    if (/\d/.test(c)) {
      let j = i + 1;
      while (j < n && /[\d.eE]/.test(sql[j])) j++;
      out.push({ kind: 'num', text: sql.slice(i, j) }); i = j; continue;
    }
    const two = sql.slice(i, i + 2);
    if (['<=', '>=', '!=', '<>', '||', '::', '->'].includes(two)) { out.push({ kind: 'punct', text: two }); i += 2; continue; }
    out.push({ kind: 'punct', text: c }); i++;
  }
  return out;
}

const up = (t: Token | undefined): string => (t && t.kind === 'word' ? t.text.toUpperCase() : '');

/** Index of the next non-space token at or after i. */
function next(ts: Token[], i: number): number {
  while (i < ts.length && ts[i].kind === 'space') i++;
  return i;
}

/** Index of the parenthesis closing the one at i. */
function closing(ts: Token[], i: number): number {
  let depth = 0;
  for (let j = i; j < ts.length; j++) {
    if (ts[j].text === '(') depth++;
    else if (ts[j].text === ')' && --depth === 0) return j;
  }
  return ts.length - 1;
}

/** Top-level comma positions between an opening parenthesis at i and its closing one. */
function commas(ts: Token[], i: number, end: number): number[] {
  const out: number[] = [];
  let depth = 0;
  for (let j = i + 1; j < end; j++) {
    if (ts[j].text === '(') depth++;
    else if (ts[j].text === ')') depth--;
    else if (ts[j].text === ',' && depth === 0) out.push(j);
  }
  return out;
}

const ORDER_END = new Set(['LIMIT', 'OFFSET', 'UNION', 'EXCEPT', 'INTERSECT', 'RETURNING', 'ON', 'FOR', 'WINDOW']);

export function toPostgres(sql: string): PgStatementText {
  const ts = tokenize(sql.trim().replace(/;\s*$/, ''));
  let orIgnore = false;
  let insertInto: string | null = null;
  let returning = false;
  let write = false;
  const first = up(ts[next(ts, 0)]);
  if (first === 'INSERT' || first === 'UPDATE' || first === 'DELETE' || first === 'REPLACE') write = true;

  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    if (t.kind !== 'word') continue;
    const w = t.text.toUpperCase();
    if (w === 'RETURNING') returning = true;
    if (w === 'INSERT') {
      const a = next(ts, i + 1);
      if (up(ts[a]) === 'OR') {
        const b = next(ts, a + 1);
        if (up(ts[b]) === 'IGNORE') orIgnore = true;
        else throw new Error(`INSERT OR ${ts[b]?.text} has no PostgreSQL form here; write INSERT ... ON CONFLICT (...) DO UPDATE`);
        for (let k = i + 1; k <= b; k++) ts[k] = { kind: 'space', text: k === b ? ' ' : '' };
      }
      const into = next(ts, i + 1);
      if (up(ts[into]) === 'INTO') insertInto = ts[next(ts, into + 1)]?.text.replace(/"/g, '') ?? null;
    } else if (w === 'AS') {
      const a = next(ts, i + 1);
      if (up(ts[a]) === 'REAL') ts[a] = { kind: 'word', text: 'double precision' };
      else if (ts[a]?.kind === 'word' && /[A-Z]/.test(ts[a].text) && /[a-z]/.test(ts[a].text)) ts[a] = { kind: 'ident', text: `"${ts[a].text}"` };
    } else if (w === 'IFNULL' && ts[i + 1]?.text === '(') {
      t.text = 'coalesce';
    } else if ((w === 'MAX' || w === 'MIN') && ts[i + 1]?.text === '(') {
      const end = closing(ts, i + 1);
      if (commas(ts, i + 1, end).length > 0) t.text = w === 'MAX' ? 'greatest' : 'least';
    } else if (w === 'ROUND' && ts[i + 1]?.text === '(') {
      const end = closing(ts, i + 1);
      const cs = commas(ts, i + 1, end);
      if (cs.length === 1) {
        ts[i + 1] = { kind: 'punct', text: '((' };
        ts[cs[0]] = { kind: 'punct', text: ')::numeric,' };
      }
    } else if (w === 'GROUP_CONCAT' && ts[i + 1]?.text === '(') {
      const end = closing(ts, i + 1);
      const cs = commas(ts, i + 1, end);
      t.text = 'string_agg';
      ts[i + 1] = { kind: 'punct', text: '((' };
      if (cs.length === 0) ts[end] = { kind: 'punct', text: ")::text, ',')" };
      else ts[cs[0]] = { kind: 'punct', text: ')::text,' };
    } else if (w === 'JSON_EACH' && ts[i + 1]?.text === '(') {
      // the store only walks JSON arrays (value = each element)
      const end = closing(ts, i + 1);
      t.text = 'jsonb_array_elements';
      ts[i + 1] = { kind: 'punct', text: '((' };
      ts[end] = { kind: 'punct', text: ')::jsonb)' };
    } else if (w === 'LIKE') {
      t.text = 'ILIKE';
    } else if (w === 'IS') {
      const a = next(ts, i + 1);
      const wa = up(ts[a]);
      if (wa === 'NOT') {
        const b = next(ts, a + 1);
        if (!['NULL', 'TRUE', 'FALSE', 'DISTINCT'].includes(up(ts[b]))) ts[a] = { kind: 'word', text: 'DISTINCT FROM' };
      } else if (!['NULL', 'TRUE', 'FALSE', 'DISTINCT'].includes(wa)) {
        t.text = 'IS NOT DISTINCT FROM';
      }
    } else if (w === 'ORDER' && up(ts[next(ts, i + 1)]) === 'BY') {
      orderNulls(ts, next(ts, i + 1) + 1);
    }
  }

  // placeholders
  const names: string[] = [];
  let positional = 0;
  let named = false;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    if (t.kind !== 'param') continue;
    if (t.text[0] === '?') {
      if (t.text.length > 1) { t.text = '$' + t.text.slice(1); positional = Math.max(positional, Number(t.text.slice(1))); }
      else t.text = '$' + ++positional;
    } else {
      named = true;
      const name = t.text.slice(1);
      let k = names.indexOf(name);
      if (k < 0) { names.push(name); k = names.length - 1; }
      t.text = '$' + (k + 1);
    }
  }
  if (named && positional) throw new Error('a statement mixes named and positional parameters');
  let text = ts.map((t) => t.text).join('');
  if (orIgnore) {
    const m = /\sRETURNING\s/i.exec(text);
    text = m ? `${text.slice(0, m.index)} ON CONFLICT DO NOTHING${text.slice(m.index)}` : `${text} ON CONFLICT DO NOTHING`;
  }
  return { text, names: named ? names : null, positional, write: write && !returning, insertInto, returning };
}

/** Give each ORDER BY term SQLite's NULL order: first when ascending, last when descending. */
function orderNulls(ts: Token[], start: number): void {
  let depth = 0;
  let termHasNulls = false;
  let lastDir: 'ASC' | 'DESC' = 'ASC';
  let lastTok = -1;
  const finish = (): void => {
    if (lastTok >= 0 && !termHasNulls) ts[lastTok] = { ...ts[lastTok], text: ts[lastTok].text + (lastDir === 'DESC' ? ' NULLS LAST' : ' NULLS FIRST') };
    termHasNulls = false; lastDir = 'ASC'; lastTok = -1;
  };
  for (let j = start; j < ts.length; j++) {
    const t = ts[j];
    if (t.text === '(') depth++;
    else if (t.text === ')') { if (depth === 0) { finish(); return; } depth--; }
    if (depth === 0) {
      if (t.text === ',') { finish(); continue; }
      const w = up(t);
      if (ORDER_END.has(w) || t.text === ';') { finish(); return; }
      if (w === 'NULLS') termHasNulls = true;
      if (w === 'DESC') lastDir = 'DESC';
    }
    if (t.kind !== 'space') lastTok = j;
  }
  finish();
}
