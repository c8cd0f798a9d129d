// What every page receives: where to draw, who is signed in, the route's parameters, and small
// shared helpers (role checks, status messages, a standard error box).
import { h, type Child } from './dom.js';
import { t } from './i18n.js';
import { ApiError } from './api.js';

export type Role = 'admin' | 'analyst' | 'viewer';
export interface PageCtx {
  root: HTMLElement;
  user: { username: string; role: Role };
  params: string[];
  query: URLSearchParams;
  /** true when the user has at least `role` */
  can(role: Role): boolean;
  /** announce a short message (status line + screen readers) */
  say(text: string, kind?: 'ok' | 'error'): void;
}
export type Page = (ctx: PageCtx) => Promise<void> | void;

const RANK: Record<Role, number> = { viewer: 1, analyst: 2, admin: 3 };
export function hasRole(user: { role: Role }, role: Role): boolean { return RANK[user.role] >= RANK[role]; }

export function errorBox(e: unknown): HTMLElement {
  const msg = e instanceof ApiError ? `${e.status === 403 ? t('forbidden') : t('error')}: ${e.message}` : `${t('error')}: ${(e as Error)?.message ?? String(e)}`;
  return h('p', { className: 'error', role: 'alert' }, msg);
}

export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', { className: 'card', 'aria-label': title }, h('h2', null, title), ...children);
}

/**
 * A table. `stack`: on a phone each row reads as a small card, every cell under its column's name
 * (app.css table.stack; the names go in data-label) instead of many columns squeezed side by side.
 */
export function table(headers: string[], rows: Child[][], caption?: string, o: { stack?: boolean } = {}): HTMLElement {
  const cell = (c: Child, i: number) => h('td', o.stack ? { 'data-label': headers[i] ?? '' } : null, c);
  return h('div', { className: 'table-wrap' }, h('table', o.stack ? { className: 'stack' } : null,
    caption ? h('caption', { className: 'sr-only' }, caption) : null,
    h('thead', null, h('tr', null, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', null, rows.length ? rows.map((r) => h('tr', null, r.map(cell))) : h('tr', null, h('td', { colspan: headers.length, className: 'muted' }, t('none'))))));
}

/** Run an async action from a button: disable it meanwhile, report errors to the status line. */
export function busy(ctx: PageCtx, btn: HTMLButtonElement, fn: () => Promise<unknown>, okText?: string): void {
  btn.disabled = true;
  fn().then(() => { if (okText) ctx.say(okText, 'ok'); }, (e: unknown) => ctx.say(e instanceof Error ? e.message : String(e), 'error'))
    .finally(() => { btn.disabled = false; });
}
