// A search query the server cannot parse, shown under the field that holds it: worded in the
// interface language from the error's code (route-helpers' sendError answers 400 with error,
// column, code, problem, query, hint), with a caret under the character the server names, the field
// marked invalid and the cursor put there. The posts search and the rules page's test query use it.
// Built with h(): every piece of the query and the server's words are text nodes.
import { h, mount } from '../dom.js';
import { lang, t } from '../i18n.js';
import { ApiError } from '../api.js';

export interface QueryErrorBody { error?: string; column?: number | null; code?: string | null; problem?: string; query?: string; hint?: string | null }

/**
 * The query with a caret under the character at `column` (1-based, in characters as the server
 * counts them). The caret line repeats the text before that character invisibly, so the caret sits
 * under it whatever the glyph widths (CJK, emoji, proportional fonts).
 */
export function caretView(query: string, column: number): HTMLElement {
  const chars = [...query];
  const at = Math.max(0, Math.min(column - 1, chars.length));
  const before = chars.slice(0, at).join('');
  const ch = chars[at] ?? '';
  return h('pre', { className: 'query-caret', 'aria-hidden': 'true' },
    h('span', { className: 'q-text' }, before, ch ? h('mark', { className: 'q-at' }, ch) : null, chars.slice(at + 1).join('')), '\n',
    h('span', { className: 'q-pad' }, before), h('span', { className: 'q-caret' }, '^'));
}

/** The problem in the interface language: the code's translation, else the server's own words. */
export function queryProblemText(b: QueryErrorBody): string {
  const key = b.code ? `q_${b.code.replace(/-/g, '_')}` : '';
  return key && t(key) !== key ? t(key) : b.problem ?? b.error ?? '';
}

/** "查询语法有误：此处缺少搜索词（第 6 个字符处）" and the caret view; the hint in English only (the server writes it in English). */
export function queryErrorBox(b: QueryErrorBody, id = 'query-error'): HTMLElement {
  const column = typeof b.column === 'number' ? b.column : null;
  const zh = lang() === 'zh';
  const where = column ? t('queryColumn').replace('{n}', String(column)) : null;
  return h('div', { className: 'query-error error', role: 'alert', id },
    h('strong', null, t('querySyntax')), zh ? '：' : ': ', queryProblemText(b), where ? (zh ? `（${where}）` : ` (${where})`) : null,
    typeof b.query === 'string' && column ? caretView(b.query, column) : null,
    b.hint && !zh ? h('div', { className: 'muted' }, `${t('hint')}: ${b.hint}`) : null);
}

/** The query error an API call failed with (HTTP 400 naming a column), or null for anything else. */
export function queryErrorOf(e: unknown): QueryErrorBody | null {
  if (!(e instanceof ApiError) || e.status !== 400) return null;
  const b = e.body as QueryErrorBody;
  return typeof b.column === 'number' ? b : null;
}

/**
 * Shows the error in `slot` (placed right under the field's form) and marks `field`: aria-invalid,
 * described by the error (then `help`, when given), focused with the cursor at the column. The
 * column counts characters of the query the server read, which is the field's value trimmed.
 */
export function showQueryError(slot: HTMLElement, field: HTMLInputElement, b: QueryErrorBody, o: { id?: string; help?: string } = {}): void {
  const id = o.id ?? 'query-error';
  mount(slot, queryErrorBox(b, id));
  field.setAttribute('aria-invalid', 'true');
  field.setAttribute('aria-describedby', [id, o.help].filter(Boolean).join(' '));
  if (typeof b.column !== 'number' || typeof b.query !== 'string') return;
  const lead = field.value.length - field.value.trimStart().length;
  const at = lead + [...b.query].slice(0, b.column - 1).join('').length;
  field.focus();
  field.setSelectionRange(at, at);
}

/** Takes the error away and the field's mark with it (after a search that worked). */
export function clearQueryError(slot: HTMLElement, field: HTMLInputElement, help?: string): void {
  mount(slot);
  field.removeAttribute('aria-invalid');
  if (help) field.setAttribute('aria-describedby', help);
  else field.removeAttribute('aria-describedby');
}
