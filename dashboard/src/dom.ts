// DOM building without HTML strings: every piece of data becomes a text node. `h` refuses inline
// event-handler and style attributes; links accept only http(s) URLs (safeHref), so crawled text
// can never become markup or a javascript: link.

export type Child = Node | string | number | null | undefined | false | Child[];
export interface Attrs {
  [name: string]: string | number | boolean | null | undefined | Record<string, EventListener> | ((el: HTMLElement) => void);
}

const FORBIDDEN_ATTR = /^(on|style$|srcdoc$|formaction$)/i;
const URL_ATTRS = new Set(['href', 'src', 'action', 'xlink:href']);

/** An http(s) URL as a string, or null for anything else (javascript:, data:, vbscript:, relative junk). */
export function safeHref(url: unknown): string | null {
  if (typeof url !== 'string' || !url) return null;
  try {
    const u = new URL(url, location.origin);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.href;
  } catch {
    return null;
  }
}

export function append(el: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) { for (const c of child) append(el, c); return; }
  el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
}

/** createElement with attributes (`on: {click}` for listeners, `ref` gets the element) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'on' && typeof v === 'object') { for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn); continue; }
    if (k === 'ref' && typeof v === 'function') { (v as (el: HTMLElement) => void)(el); continue; }
    if (FORBIDDEN_ATTR.test(k)) throw new Error(`h(): attribute '${k}' is not allowed`);
    if (typeof v === 'object' || typeof v === 'function') continue;
    if (URL_ATTRS.has(k.toLowerCase())) {
      const s = String(v);
      const ok = s.startsWith('#') || (s.startsWith('/') && !s.startsWith('//')) ? s : safeHref(s);
      if (!ok) continue;
      el.setAttribute(k, ok);
      continue;
    }
    if (k === 'className') el.className = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children) append(el, c);
  return el;
}

/** A link to a crawled URL when it is http(s) (opens in a new tab, no referrer), else plain text. */
export function extLink(url: unknown, label: Child): HTMLElement {
  const href = safeHref(url);
  if (!href) return h('span', { className: 'muted', title: 'unsafe or missing link' }, label);
  return h('a', { href, target: '_blank', rel: 'noopener noreferrer nofollow' }, label);
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export function mount(el: Element, ...children: Child[]): void {
  clear(el);
  for (const c of children) append(el, c);
}

export function truncate(s: unknown, n: number): string {
  const str = typeof s === 'string' ? s : s == null ? '' : String(s);
  return str.length > n ? `${str.slice(0, n - 1)}…` : str;
}
