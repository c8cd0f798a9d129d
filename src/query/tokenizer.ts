// Tokenizer for the watch-topic query language: terms, "quoted phrases" (with \" and \\ escapes),
// ( ), the upper-case operators AND / OR / NOT / NEAR/n, a leading `-` (NOT), and the field
// prefixes source: author: title:. Lower-case "and"/"or" are plain terms.
import { QuerySyntaxError, columnOf, type QueryProblem } from './errors.js';

export type FieldName = 'source' | 'author' | 'title';
export const FIELDS: readonly FieldName[] = ['source', 'author', 'title'];

/** NEAR/n larger than this is almost certainly a typo (and would make every pair "near"). */
export const MAX_NEAR = 10_000;

export type Token =
  | { kind: 'lparen' | 'rparen' | 'and' | 'or' | 'not' | 'minus'; index: number; end: number }
  | { kind: 'near'; distance: number; index: number; end: number }
  | { kind: 'term'; text: string; quoted: boolean; index: number; end: number }
  | { kind: 'field'; name: FieldName; index: number; end: number }
  | { kind: 'eof'; index: number; end: number };

const SPACE = /\s/;
/** C0 controls other than the whitespace ones (tab, line feed, vertical tab, form feed, return), and DEL */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f]/;
/** characters that end a bare word */
const WORD_END = /[\s()"]/;
/** schemes that make `xxx:` a URL, not a field typo */
const URL_SCHEMES = new Set(['http', 'https', 'ftp', 'mailto', 'www']);

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const fail = (index: number, problem: string, hint: string, code: QueryProblem): never => {
    throw new QuerySyntaxError(src, columnOf(src, index), problem, hint, code);
  };
  const control = CONTROL.exec(src);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    fail(control.index, `control character U+${code} in the query`, 'remove it: a query is plain text', 'control-char');
  }
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (SPACE.test(c)) { i++; continue; }
    if (c === '(' || c === ')') {
      out.push({ kind: c === '(' ? 'lparen' : 'rparen', index: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let text = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\' && (src[j + 1] === '"' || src[j + 1] === '\\')) { text += src[j + 1]; j += 2; }
        else { text += src[j]; j++; }
      }
      if (j >= src.length) fail(i, 'unterminated quoted phrase', 'close the phrase with another " (write \\" for a quote inside it)', 'unterminated-phrase');
      if (text.trim() === '') fail(i, 'empty quoted phrase', 'put the words to search for between the quotes, or remove them', 'empty-phrase');
      out.push({ kind: 'term', text, quoted: true, index: i, end: j + 1 });
      i = j + 1;
      continue;
    }
    if (c === '-') {
      const next = src[i + 1];
      if (next === undefined || SPACE.test(next) || next === ')')
        fail(i, "a lone '-' excludes nothing", 'write -word with no space to exclude a word, or "-" in quotes to search for a dash', 'lone-minus');
      out.push({ kind: 'minus', index: i, end: i + 1 });
      i++;
      continue;
    }
    let j = i;
    while (j < src.length && !WORD_END.test(src[j])) j++;
    const word = src.slice(i, j);
    if (word === 'AND' || word === 'OR' || word === 'NOT') {
      out.push({ kind: word === 'AND' ? 'and' : word === 'OR' ? 'or' : 'not', index: i, end: j });
      i = j;
      continue;
    }
    if (word === 'NEAR' || word.startsWith('NEAR/')) {
      const m = /^NEAR\/(\d{1,6})$/.exec(word);
      if (!m) fail(i, `'${word}' is not a valid NEAR operator`, 'write NEAR/n with the distance in characters, e.g. 召回 NEAR/5 牛奶', 'bad-near');
      const distance = Number(m![1]);
      if (distance > MAX_NEAR) fail(i, `NEAR distance ${distance} is too large`, `use at most NEAR/${MAX_NEAR}, or AND for "anywhere in the text"`, 'near-too-far');
      out.push({ kind: 'near', distance, index: i, end: j });
      i = j;
      continue;
    }
    const colon = word.indexOf(':');
    if (colon > 0) {
      const name = word.slice(0, colon);
      const lower = name.toLowerCase();
      if ((FIELDS as readonly string[]).includes(lower)) {
        out.push({ kind: 'field', name: lower as FieldName, index: i, end: i + colon + 1 });
        i = i + colon + 1; // the value is lexed as the next token (term, "phrase" or group)
        continue;
      }
      if (/^[a-z]+$/i.test(name) && !URL_SCHEMES.has(lower)) {
        const guess = FIELDS.find((f) => editDistance(lower, f) <= 2);
        if (guess) fail(i, `unknown field '${name}:'`, `did you mean ${guess}:? To search for the text itself, put it in quotes: "${word}"`, 'unknown-field');
      }
    }
    out.push({ kind: 'term', text: word, quoted: false, index: i, end: j });
    i = j;
  }
  out.push({ kind: 'eof', index: src.length, end: src.length });
  return out;
}
